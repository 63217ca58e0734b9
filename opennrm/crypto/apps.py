from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "opennrm.crypto"
    label = "crypto"
