import hashlib
import re
import unicodedata

from django.conf import settings

from messaging.models import SmsOptOut
from messaging.phones import to_e164

# What families reply to stop texts, in our 15 languages (carriers also honour English STOP).
# By language: en, sq, ar, bn, zh-hans/zh-hant, tl, fr, ht, ko, ru, es, uk, ur, uz.
STOP_WORDS = {
    "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
    "NDALO", "NDAL",
    "توقف", "إيقاف", "ايقاف",
    "বন্ধ", "থামুন",
    "停止", "退订", "退訂",
    "TIGIL", "HINTO",
    "ARRET", "ARRÊT",
    "KANPE", "SISPANN",
    "중지", "정지",
    "СТОП", "ОТПИСАТЬСЯ",
    "PARA", "PARAR", "ALTO",
    "СТІЙ", "ВІДПИСАТИСЯ",
    "روکیں", "روکو", "بند",
    "TOʻXTA", "TO'XTA", "TOXTA", "ТЎХТА",
}  # fmt: skip
START_WORDS = {
    "START", "UNSTOP", "YES",
    "FILLO",
    "ابدأ", "ابدا",
    "শুরু",
    "开始", "開始",
    "SIMULA",
    "COMMENCER",
    "KÒMANSE", "KOMANSE",
    "시작",
    "СТАРТ", "НАЧАТЬ",
    "INICIO", "COMENZAR",
    "ПОЧАТИ",
    "شروع",
    "BOSHLASH", "BOSHLA", "БОШЛАШ",
}  # fmt: skip
# Punctuation typed after the word ("Stop.", "¡Para!", "توقف؟") changes nothing.
_AROUND = ".,!?¡¿;:…'\"()-،؟۔।。！？，"


def number_hash(phone: str) -> str:
    # Keyed with SECRET_KEY: a leaked table of opt-outs cannot be reversed by hashing every
    # phone number of a country. Changing SECRET_KEY therefore forgets every opt-out.
    return hashlib.blake2b(
        phone.encode(), key=settings.SECRET_KEY[:64].encode(), digest_size=32
    ).hexdigest()


def is_opted_out(phone: str) -> bool:
    return bool(phone) and SmsOptOut.objects.filter(number_hash=number_hash(phone)).exists()


def first_word(body: str) -> str:
    # Only the first word counts: "Stop please" stops, a question that mentions stopping
    # further on does not. Uzbek's turned comma is typed as any apostrophe.
    words = unicodedata.normalize("NFC", body or "").split()
    word = words[0].strip(_AROUND) if words else ""
    return re.sub("[‘’ʼ`]", "ʻ", word).upper().replace("ʻ", "'")


def handle_reply(phone: str, body: str) -> str | None:
    """STOP or START from a number: per number, so a phone that several families share
    (families.Family.shared_phone) stops or starts texts for all of them (RELIABILITY E14).
    The number as we store it (E.164), however the provider wrote it."""
    phone = to_e164(phone) or phone.strip()
    word = first_word(body)
    if word in STOP_WORDS:
        SmsOptOut.objects.get_or_create(number_hash=number_hash(phone))
        return "stopped"
    if word in START_WORDS:
        # From a number that had stopped texts it starts them again. From any other it is a
        # message like another ("Yes" to an event's text, "Simula bukas…"): the apps read it.
        deleted, _ = SmsOptOut.objects.filter(number_hash=number_hash(phone)).delete()
        if deleted:
            return "started"
    return None
