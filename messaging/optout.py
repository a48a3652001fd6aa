import hashlib

from django.conf import settings

from messaging.models import SmsOptOut

# What families reply to stop texts, in our languages (carriers also honour English STOP).
STOP_WORDS = {
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "ARRET",
    "ARRÊT",
    "PARA",
    "PARAR",
    "ALTO",
    "KANPE",
    "NDALO",
    "TIGIL",
    "TOʻXTA",
    "TOXTA",
    "СТОП",
    "СТІЙ",
    "停止",
    "退订",
    "退訂",
    "중지",
    "توقف",
    "روکیں",
    "বন্ধ",
}
START_WORDS = {"START", "UNSTOP", "YES", "INICIO", "COMMENCER"}


def number_hash(phone: str) -> str:
    # Keyed with SECRET_KEY: a leaked table of opt-outs cannot be reversed by hashing every
    # phone number of a country. Changing SECRET_KEY therefore forgets every opt-out.
    return hashlib.blake2b(
        phone.encode(), key=settings.SECRET_KEY[:64].encode(), digest_size=32
    ).hexdigest()


def is_opted_out(phone: str) -> bool:
    return bool(phone) and SmsOptOut.objects.filter(number_hash=number_hash(phone)).exists()


def handle_reply(phone: str, body: str) -> str | None:
    # Only the first word counts: "Stop please" stops, a question that mentions stopping
    # further on does not.
    word = body.strip().split()[0].upper() if body.strip() else ""
    if word in STOP_WORDS:
        SmsOptOut.objects.get_or_create(number_hash=number_hash(phone))
        return "stopped"
    if word in START_WORDS:
        SmsOptOut.objects.filter(number_hash=number_hash(phone)).delete()
        return "started"
    return None
