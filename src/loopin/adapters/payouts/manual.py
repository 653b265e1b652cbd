"""The manual payout sender: nothing leaves automatically. Staff transfer the amount from the platform's bank
(NEFT/IMPS/RTGS) and record the bank's UTR (``MarkPayoutPaid``), or the failure (``MarkPayoutFailed``)."""

from __future__ import annotations

from loopin.usecases.payouts.ports import PayoutInstruction, PayoutSender, SendOutcome, SendReceipt


class ManualPayoutSender(PayoutSender):
    @property
    def name(self) -> str:
        return "manual"

    async def send(self, instruction: PayoutInstruction) -> SendReceipt:
        return SendReceipt(SendOutcome.MANUAL, message="Waiting for staff to transfer it and record the UTR.")
