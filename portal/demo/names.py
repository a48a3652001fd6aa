"""Demo family names, written the way a parent of each community would write their own:
"Rina (mamá de Ana)" on a Spanish family, "Ольга (мама Ани)" on a Russian one.

Each language gives mothers' and fathers' names, children's names with the form the phrase
needs (Russian, Ukrainian, Albanian and Bangla put the child's name in the genitive), and the
two phrases; where people write it so, the initial of a family name ("Rosa M."), so that the
staff lists do not repeat one name too often. Nothing else a real family would be asked for."""

import random

NAMES = {
    "en": {
        "initials": "BCDHJKMPRSTW",
        "mothers": ["Jennifer", "Keisha", "Amanda", "Sarah", "Tanya"],
        "fathers": ["Michael", "DeShawn", "Brian", "Kevin", "Marcus"],
        "children": ["Tyler", "Jasmine", "Ethan", "Olivia", "Jayden", "Emma"],
        "mother": "{parent} (mother of {child})",
        "father": "{parent} (father of {child})",
    },
    "es": {
        "initials": "GHLMRSTV",
        "mothers": ["Rina", "María", "Guadalupe", "Rosa", "Carmen", "Yesenia"],
        "fathers": ["José", "Juan Carlos", "Luis", "Miguel", "Jorge"],
        "children": ["Ana", "Diego", "Sofía", "Mateo", "Valentina", "Santiago", "Camila"],
        "mother": "{parent} (mamá de {child})",
        "father": "{parent} (papá de {child})",
    },
    "ar": {
        "mothers": ["فاطمة", "مريم", "ليلى", "هدى", "آمنة", "سلمى", "رانيا", "زينب"],
        "fathers": ["أحمد", "محمد", "خالد", "عمر", "حسن", "إبراهيم", "سامر"],
        "children": ["يوسف", "سارة", "آدم", "نور", "ريم", "علي", "حمزة", "لين", "جود"],
        "mother": "{parent} (أم {child})",
        "father": "{parent} (أبو {child})",
    },
    "bn": {
        "mothers": ["নাসরিন", "শাহানা", "রুমানা", "তাসলিমা", "ফারহানা"],
        "fathers": ["রফিক", "জামাল", "সুমন", "কামরুল", "মাসুদ"],
        "children": [
            ("আয়ান", "আয়ানের"),
            ("রিয়া", "রিয়ার"),
            ("তানভীর", "তানভীরের"),
            ("নুসরাত", "নুসরাতের"),
            ("সাদিয়া", "সাদিয়ার"),
            ("আরিফ", "আরিফের"),
        ],
        "mother": "{parent} ({child} মা)",
        "father": "{parent} ({child} বাবা)",
    },
    "fr": {
        "initials": "BDFGLMNT",
        # Children's names start with a consonant: "mère de Léa", never "de Amélie".
        "mothers": ["Aminata", "Sophie", "Nadia", "Mariam", "Clarisse"],
        "fathers": ["Mamadou", "Olivier", "Karim", "Didier"],
        "children": ["Jules", "Léa", "Moussa", "Chloé", "Nathan", "Fatou"],
        "mother": "{parent} (mère de {child})",
        "father": "{parent} (père de {child})",
    },
    "ht": {
        "initials": "CDJLPS",
        "mothers": ["Marie-Claude", "Nadège", "Guerline", "Roseline"],
        "fathers": ["Jean-Robert", "Wilner", "Frantz", "Ricardo"],
        "children": ["Widline", "Kervens", "Mikerline", "Wisly", "Daphnée", "Jameson"],
        "mother": "{parent} (manman {child})",
        "father": "{parent} (papa {child})",
    },
    "ko": {
        "mothers": ["김민지", "이수진", "박지영", "최은정"],
        "fathers": ["김성훈", "이준호", "박민수", "정우진"],
        "children": ["서연", "지우", "민준", "하은", "도윤", "서준"],
        "mother": "{parent} ({child} 엄마)",
        "father": "{parent} ({child} 아빠)",
    },
    "ru": {
        "initials": "ВГКМНПСЧ",
        "mothers": ["Ольга", "Наталья", "Елена", "Ирина", "Татьяна"],
        "fathers": ["Сергей", "Андрей", "Дмитрий", "Алексей", "Игорь"],
        "children": [
            ("Аня", "Ани"),
            ("Дима", "Димы"),
            ("Маша", "Маши"),
            ("Саша", "Саши"),
            ("Ваня", "Вани"),
            ("Катя", "Кати"),
        ],
        "mother": "{parent} (мама {child})",
        "father": "{parent} (папа {child})",
    },
    "sq": {
        "initials": "BDGHKMS",
        "mothers": ["Drita", "Mimoza", "Teuta", "Lindita", "Vjollca"],
        "fathers": ["Ilir", "Arben", "Gëzim", "Besnik", "Fatmir"],
        "children": [
            ("Era", "Erës"),
            ("Arbër", "Arbërit"),
            ("Blerta", "Blertës"),
            ("Dritan", "Dritanit"),
            ("Ana", "Anës"),
            ("Endrit", "Endritit"),
        ],
        "mother": "{parent} (nëna e {child})",
        "father": "{parent} (babai i {child})",
    },
    "tl": {
        "initials": "BCDGMRSV",
        "mothers": ["Maricel", "Rowena", "Jocelyn", "Liza"],
        "fathers": ["Rodel", "Jun", "Ramon", "Arnel"],
        "children": ["Joshua", "Angel", "Princess", "John Paul", "Kyla", "Mark"],
        "mother": "{parent} (nanay ni {child})",
        "father": "{parent} (tatay ni {child})",
    },
    "uk": {
        "initials": "БГКМПСШ",
        "mothers": ["Оксана", "Наталія", "Ірина", "Олена", "Тетяна"],
        "fathers": ["Тарас", "Андрій", "Олександр", "Богдан", "Василь"],
        "children": [
            ("Марія", "Марії"),
            ("Андрій", "Андрія"),
            ("Софія", "Софії"),
            ("Максим", "Максима"),
            ("Анна", "Анни"),
            ("Дмитро", "Дмитра"),
        ],
        "mother": "{parent} (мама {child})",
        "father": "{parent} (тато {child})",
    },
    "ur": {
        "mothers": ["عائشہ", "فاطمہ", "سعدیہ", "نازیہ", "رابعہ", "صائمہ"],
        "fathers": ["عمران", "بلال", "کاشف", "فیصل", "طارق", "عثمان"],
        "children": ["احمد", "زینب", "حمزہ", "مریم", "علی", "حرا", "ابراہیم", "عائشہ"],
        "mother": "{parent} ({child} کی امی)",
        "father": "{parent} ({child} کے ابو)",
    },
    "uz": {
        "initials": "AKMNRSTY",
        "mothers": ["Dilnoza", "Nilufar", "Gulnora", "Malika", "Zarina"],
        "fathers": ["Jasur", "Bobur", "Sardor", "Rustam", "Aziz"],
        "children": ["Madina", "Sherzod", "Kamola", "Javohir", "Shahzoda", "Otabek"],
        "mother": "{parent} ({child}ning onasi)",
        "father": "{parent} ({child}ning otasi)",
    },
    "zh-hans": {
        "mothers": ["王芳", "李娜", "张静", "陈丽", "杨雪"],
        "fathers": ["张伟", "李强", "王磊", "刘军", "陈杰"],
        "children": ["小明", "欣怡", "浩然", "子涵", "俊杰", "雨桐"],
        "mother": "{parent}（{child}的妈妈）",
        "father": "{parent}（{child}的爸爸）",
    },
    "zh-hant": {
        "mothers": ["林美玲", "陳淑芬", "黃怡君", "吳佩珊"],
        "fathers": ["李志明", "王建宏", "張家豪", "陳俊傑"],
        "children": ["子軒", "詠晴", "宇翔", "品妍", "冠廷", "語彤"],
        "mother": "{parent}（{child}的媽媽）",
        "father": "{parent}（{child}的爸爸）",
    },
}


def family_name(language: str, rng: random.Random) -> str:
    """A name a parent of that language would give: one of their first names and their
    child's, in their own words."""
    names = NAMES[language]
    role = "mother" if rng.random() < 0.7 else "father"
    parent = rng.choice(names["mothers" if role == "mother" else "fathers"])
    if "initials" in names:
        parent = f"{parent} {rng.choice(names['initials'])}."
    child = rng.choice(names["children"])
    child = child[1] if isinstance(child, tuple) else child
    return names[role].format(parent=parent, child=child)
