"""Sends order notifications to the mailer service."""
import logging

import requests

logger = logging.getLogger(__name__)
MAILER = "http://mailer.internal"


def notify(order_id: str) -> None:
    requests.post(f"{MAILER}/orders/{order_id}", json={"template": "paid"})
    logger.info(f"order {order_id} notified")


def bounce(order_id: str) -> None:
    requests.post(f"{MAILER}/bounces/{order_id}", timeout=5)
