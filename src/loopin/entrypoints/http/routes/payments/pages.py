"""The few HTML pages of the payment flow: the sandbox checkout and the result page the buyer's browser lands
on after ``surl``/``furl``. Server-rendered, every value escaped, no external asset (no fonts, scripts or
images from elsewhere): they work offline and inside the app's WebView."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from loopin.domain.payments.order import OrderStatus

_STYLE = """
body{margin:0;font-family:-apple-system,system-ui,Segoe UI,Roboto,sans-serif;background:#f4f1fb;color:#1d1633}
main{max-width:420px;margin:32px auto;padding:0 16px}
.card{background:#fff;border-radius:16px;box-shadow:0 4px 18px rgba(40,20,90,.12);padding:24px}
h1{font-size:20px;margin:0 0 4px} .muted{color:#6b6385;font-size:14px;margin:0 0 20px}
.badge{display:inline-block;font-size:12px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;
background:#ffe9a8;color:#6a4d00;border-radius:999px;padding:4px 10px;margin-bottom:16px}
table{width:100%;border-collapse:collapse;font-size:15px;margin-bottom:20px}
td{padding:8px 0;border-bottom:1px solid #eee} td:last-child{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:700;font-size:17px;border-bottom:none}
.buttons{display:flex;gap:12px} .buttons form{flex:1}
button{flex:1;font-size:16px;font-weight:600;border:0;border-radius:12px;padding:14px 0;cursor:pointer;width:100%}
.pay{background:#5b2be0;color:#fff;border:2px solid #5b2be0}
.fail{background:#fff;color:#b3261e;border:2px solid #b3261e}
.result{text-align:center}
.icon{width:56px;height:56px;border-radius:50%;margin:0 auto 14px;color:#fff;font-size:30px;line-height:56px;
font-weight:700}
.ok{background:#1e8e3e} .wait{background:#b26a00} .no{background:#b3261e} .back{background:#5b2be0}
""".strip()


def page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def _hidden(fields: Mapping[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">' for name, value in fields.items()
    )


def sandbox_checkout(form: Mapping[str, str], complete_url: str) -> str:
    """The order as PayU's page would show it, with the two outcomes a developer (or a test) can choose."""
    rows = [
        ("Order", form["txnid"]),
        ("For", form["productinfo"]),
        ("Buyer", f"{form['firstname']} · {form['email']}"),
    ]
    table = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    table += f'<tr class="total"><td>Total</td><td>₹{escape(form["amount"])}</td></tr>'
    body = (
        '<div class="card"><span class="badge">Sandbox · no real money</span>'
        "<h1>Loopin checkout</h1>"
        '<p class="muted">This page stands in for PayU when no PayU credentials are configured.</p>'
        f"<table>{table}</table>"
        '<div class="buttons">'
        f'<form method="post" action="{escape(complete_url)}">{_hidden(form)}'
        '<input type="hidden" name="outcome" value="pay">'
        '<button class="pay" id="pay" type="submit">Pay</button></form>'
        f'<form method="post" action="{escape(complete_url)}">{_hidden(form)}'
        '<input type="hidden" name="outcome" value="fail">'
        '<button class="fail" id="fail" type="submit">Fail</button></form>'
        "</div></div>"
    )
    return page("Loopin sandbox checkout", body)


def post_back(url: str, fields: Mapping[str, str]) -> str:
    """What PayU does after the bank: the browser posts the signed response to ``surl``/``furl``."""
    body = (
        f'<div class="card result"><form id="back" method="post" action="{escape(url)}">{_hidden(fields)}'
        '<p class="muted">Returning to Loopin…</p><button class="pay" type="submit">Continue</button></form></div>'
        '<script>document.getElementById("back").submit()</script>'
    )
    return page("Returning to Loopin", body)


PROCESSING = ("wait", "…", "Payment processing", "We are confirming your payment; the app will show it shortly.")
# (status) -> (icon class, mark, title, text); marks are plain text symbols every system font has (no emoji).
RESULTS = {
    "paid": ("ok", "✓", "Payment successful", "Your ticket is ready in the app."),
    "pending": PROCESSING,
    "created": PROCESSING,
    "failed": ("no", "✕", "Payment failed", "No money was taken. You can try again from the app."),
    "expired": ("no", "✕", "Checkout timed out", "Your seats were released. You can try again from the app."),
    "refunded": ("back", "↺", "Payment refunded", "The money is on its way back to you."),
}


NOT_FOUND = ("no", "?", "Payment not found", "We have no payment with this reference. Your orders are in the app.")


def result(status: OrderStatus | None) -> str:
    """The order's own status (``ReadPaymentResult``), never the one in the page's address."""
    kind, mark, title, text = RESULTS[status.value] if status else NOT_FOUND
    body = (
        f'<div class="card result"><div class="icon {kind}">{mark}</div><h1>{escape(title)}</h1>'
        f'<p class="muted">{escape(text)}</p></div>'
    )
    return page(title, body)


def refused(message: str) -> str:
    body = (
        '<div class="card result"><div class="icon no">!</div><h1>We could not process this payment response</h1>'
        f'<p class="muted">{escape(message)}</p></div>'
    )
    return page("Payment response refused", body)
