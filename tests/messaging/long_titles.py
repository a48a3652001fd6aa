"""A realistic long event title in each language and its own script (bench/sms_fit.py and
tests/messaging/test_sms_fit.py): what a school really writes, not "x" * 120."""

LONG_TITLES = {
    "en": "Family information evening: the new reading programme, homework help, "
    "after-school clubs and how to talk with your child's teacher",
    "sq": "Mbrëmje informuese për familjet: programi i ri i leximit, ndihma me detyrat e "
    "shtëpisë, klubet pas shkollës dhe si të flisni me mësuesin e fëmijës",
    "ar": "أمسية إعلامية للعائلات: برنامج القراءة الجديد، والمساعدة في الواجبات المنزلية، "
    "والأندية بعد المدرسة، وكيفية التحدث مع معلم طفلك بشأن تقدمه الدراسي",
    "bn": "পরিবারের জন্য তথ্য সন্ধ্যা: নতুন পড়ার কর্মসূচি, বাড়ির কাজে সাহায্য, স্কুলের পরে "
    "ক্লাব এবং আপনার সন্তানের শিক্ষকের সাথে কীভাবে কথা বলবেন",
    "zh-hans": "家庭信息之夜：介绍新的阅读计划、家庭作业辅导、课后俱乐部、"
    "校车路线的变化、午餐申请、"
    "冬季活动安排，以及如何与孩子的老师沟通学习进度。欢迎全家参加，现场提供多种语言的口译服务、"
    "免费晚餐和儿童看护，请提前回复告诉我们参加人数，以便我们准备座位。",
    "zh-hant": "家庭資訊之夜：介紹新的閱讀計畫、家庭作業輔導、課後俱樂部、"
    "校車路線的變化、午餐申請、"
    "冬季活動安排，以及如何與孩子的老師溝通學習進度。歡迎全家參加，現場提供多種語言的口譯服務、"
    "免費晚餐和兒童看護，請提前回覆告訴我們參加人數，以便我們準備座位。",
    "tl": "Gabi ng impormasyon para sa mga pamilya: ang bagong programa sa pagbasa, tulong sa "
    "takdang-aralin, mga club pagkatapos ng klase at pakikipag-usap sa guro",
    "fr": "Soirée d’information pour les familles : le nouveau programme de lecture, l’aide "
    "aux devoirs, les clubs après l’école et comment parler avec l’enseignant",
    "ht": "Sware enfòmasyon pou fanmi yo: nouvo pwogram lekti a, èd pou devwa, klib apre "
    "lekòl ak kijan pou pale ak pwofesè pitit ou a sou pwogrè li",
    "ko": "가족 정보의 밤: 새로운 읽기 프로그램, 숙제 도움, 방과 후 동아리, 통학 버스 노선 변경, "
    "급식 신청, 겨울 활동 일정, 그리고 자녀의 선생님과 학습 진도에 대해 "
    "이야기하는 방법을 안내합니다. 통역과 저녁 식사가 제공됩니다",
    "ru": "Информационный вечер для семей: новая программа чтения, помощь с домашними "
    "заданиями, кружки после уроков и как говорить с учителем вашего ребёнка",
    "es": "Noche informativa para las familias: el nuevo programa de lectura, ayuda con las "
    "tareas, clubes después de clases y cómo hablar con el maestro de su hijo",
    "uk": "Інформаційний вечір для родин: нова програма читання, допомога з домашніми "
    "завданнями, гуртки після уроків і як говорити з учителем вашої дитини",
    "ur": "خاندانوں کے لیے معلوماتی شام: پڑھنے کا نیا پروگرام، گھر کے کام میں مدد، اسکول کے "
    "بعد کلب اور اپنے بچے کے استاد سے بات کرنے کا طریقہ",
    "uz": "Oilalar uchun maʼlumot kechasi: yangi oʻqish dasturi, uy vazifalariga yordam, "
    "darsdan keyingi toʻgaraklar va farzandingiz oʻqituvchisi bilan suhbat",
}

# A school's long answer to a family's question, as staff type it (over 1,600 characters
# with the framing sentence: the provider would refuse it whole).
LONG_ANSWER = (
    "Yes, your son can join the after-school homework club. "
    + "The club meets in the library on Mondays and Wednesdays from 3:15 to 4:45, and a "
    "teacher and two volunteers help the children with reading and mathematics. " * 12
)

# Event.title holds 120 characters: every title is as long as staff can make it.
LONG_TITLES = {language: title[:120] for language, title in LONG_TITLES.items()}
assert all(len(title) == 120 for title in LONG_TITLES.values())
