"""SMS senders: Twilio's Messages API in production, the console in embedded mode."""
