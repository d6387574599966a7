"""Synthetic cards with known fields: ID cards (both sides), business cards, driver and vehicle
licences, drawn with varied names, addresses, dates and layouts, then slightly rotated, blurred
and JPEG-compressed like a phone photo.

They measure how well card fields are read (``benchmarks/cards.py``, the test suite) and let
users test a pipeline without real identity documents. Every value is made up. Drawing needs a
CJK font (Debian: ``apt-get install fonts-wqy-microhei`` or ``fonts-noto-cjk``).

``Card.truth`` holds what the endpoint should answer: the service's data keys for ``idcard`` and
``namecard`` (birth as ``"1990/3/15"``, a missing QQ as ``""``), the page's item labels for
``drivinglicence``.

>>> from ocrframe.sample_images import synthetic
>>> card = synthetic.make("idcard_front", seed=7)
>>> card.endpoint, card.options, sorted(card.truth)
('idcard', {'card_type': 0}, ['address', 'birth', 'id', 'name', 'nation', 'sex'])
>>> card.image.mode, len(card.jpeg) > 1000
('RGB', True)
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ..errors import OcrframeError

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
KINDS = ("idcard_front", "idcard_back", "namecard", "driver_licence", "vehicle_licence")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆欣怡雪琳晨阳佳慧颖婷倩博睿思远海波清"
NATIONS = (
    "汉",
    "汉",
    "汉",
    "汉",
    "回",
    "满",
    "壮",
    "蒙古",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "土家",
    "朝鲜",
)
PROVINCES = (
    ("北京市", ("海淀区", "朝阳区", "东城区", "丰台区")),
    ("上海市", ("浦东新区", "徐汇区", "静安区", "杨浦区")),
    ("广东省广州市", ("天河区", "越秀区", "海珠区")),
    ("广东省深圳市", ("南山区", "福田区", "宝安区")),
    ("浙江省杭州市", ("西湖区", "滨江区", "余杭区")),
    ("江苏省南京市", ("鼓楼区", "玄武区", "江宁区")),
    ("四川省成都市", ("武侯区", "锦江区", "青羊区")),
    ("湖北省武汉市", ("洪山区", "江汉区", "武昌区")),
    ("陕西省西安市", ("雁塔区", "碑林区", "未央区")),
    ("山东省济南市", ("历下区", "市中区", "槐荫区")),
)
ROADS = ("中关村大街", "人民路", "解放路", "建设路", "和平街", "科技园路", "文化路", "长江路",
         "黄河大道", "世纪大道", "新华街", "朝阳北路", "学院路", "光明路", "滨河路")  # fmt: skip
COMPANIES = ("星河数据科技有限公司", "远航信息技术有限公司", "华光软件股份有限公司",
             "青云智能科技有限公司", "蓝海贸易有限公司", "恒通物流集团")  # fmt: skip
TITLES = ("高级数据工程师", "产品经理", "销售总监", "市场部经理", "技术总监", "研究员", "客户经理")
VEHICLE_TYPES = ("小型轿车", "小型普通客车", "中型普通客车", "轻型普通货车", "小型越野客车")
USES = ("非营运", "营运", "出租客运", "公路客运")
MODELS = ("大众汽车牌SVW7183", "丰田牌TV7250", "本田牌HG7150", "比亚迪牌BYD7150", "长安牌SC7164")
PLATE_PREFIX = ("京A", "沪B", "粤B", "浙A", "苏A", "川A", "鄂A", "陕A", "鲁A")
CLASSES = ("C1", "C2", "B1", "B2", "A1", "A2", "C1E")
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # plates use neither I nor O
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass
class Card:
    """One synthetic card: the picture, what it shows, and how to ask for it."""

    kind: str
    image: Image.Image
    truth: dict[str, str]
    endpoint: str
    options: dict = field(default_factory=dict)
    jpeg: bytes = b""


def font_path() -> str:
    """The first CJK font installed (an error that names the Debian packages otherwise)."""
    for path in FONT_PATHS:
        if Path(path).exists():
            return path
    raise OcrframeError(
        "synthetic cards need a CJK font: apt-get install fonts-wqy-microhei (or fonts-noto-cjk)"
    )


def make(kind: str, seed: int) -> Card:
    """Card ``kind`` (one of :data:`KINDS`) drawn from ``seed`` (the same seed, the same card)."""
    if kind not in MAKERS:
        raise OcrframeError(f"unknown card kind {kind!r}; known: {', '.join(KINDS)}")
    rng = random.Random(f"{kind}-{seed}")
    card = MAKERS[kind](rng)
    card.image, card.jpeg = photograph(card.image, rng)
    return card


def cards(kind: str, n: int, seed: int = 0) -> list[Card]:
    """``n`` cards of ``kind`` (seeds ``seed`` … ``seed + n - 1``)."""
    return [make(kind, seed + k) for k in range(n)]


def photograph(img: Image.Image, rng: random.Random) -> tuple[Image.Image, bytes]:
    """Slight rotation (±2°), blur and JPEG compression; the decoded picture and its bytes."""
    angle = rng.uniform(-2.0, 2.0)
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="#d8d8d8")
    radius = rng.uniform(0.0, 0.9)
    if radius > 0.2:
        img = img.filter(ImageFilter.GaussianBlur(radius))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=rng.randint(55, 90))
    data = buf.getvalue()
    return Image.open(io.BytesIO(data)).convert("RGB"), data


# ---------------------------------------------------------------------------------------------
# values


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def address(rng: random.Random) -> str:
    city, districts = rng.choice(PROVINCES)
    place = f"{city}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 299)}号"
    if rng.random() < 0.5:
        place += f"{rng.randint(1, 30)}栋{rng.randint(101, 2808)}室"
    return place


def day(rng: random.Random, first: int, last: int) -> date:
    start = date(first, 1, 1)
    return start + timedelta(days=rng.randint(0, (date(last, 12, 28) - start).days))


def id_number(rng: random.Random, born: date) -> str:
    """An 18-character number with a valid check character (GB 11643)."""
    body = f"{rng.randint(110000, 659000)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


# ---------------------------------------------------------------------------------------------
# drawing


class Canvas:
    """A card being drawn, with its font at any size."""

    def __init__(self, size: tuple[int, int], background: str) -> None:
        self.image = Image.new("RGB", size, background)
        self.draw = ImageDraw.Draw(self.image)
        self.path = font_path()

    def text(self, xy: tuple[float, float], text: str, size: int, fill: str = "#111") -> float:
        """Draw ``text``; returns the x where it ends."""
        font = ImageFont.truetype(self.path, size)
        self.draw.text(xy, text, font=font, fill=fill)
        return self.draw.textbbox(xy, text, font=font)[2]

    def pair(self, xy, label: str, value: str, size: int, rng, label_fill="#2b5ea8") -> float:
        """A label and its value on one row, with a varying gap (sometimes a colon)."""
        x, y = xy
        if rng.random() < 0.2:
            label += "："
        end = self.text((x, y), label, size - 2, fill=label_fill)
        return self.text((end + rng.randint(14, 40), y), value, size)


def _wrap(text: str, width: int) -> list[str]:
    return [text[k : k + width] for k in range(0, len(text), width)]


def _jitter(rng: random.Random, n: int = 6) -> int:
    return rng.randint(-n, n)


def idcard_front(rng: random.Random) -> Card:
    born = day(rng, 1950, 2005)
    sex = rng.choice("男女")
    truth = {
        "name": person(rng),
        "sex": sex,
        "nation": rng.choice(NATIONS),
        "birth": f"{born.year}/{born.month}/{born.day}",
        "address": address(rng),
        "id": id_number(rng, born),
    }
    c = Canvas(
        (860 + _jitter(rng, 20), 540 + _jitter(rng, 12)),
        rng.choice(("#eef3f7", "#f2f0e6", "#e9f1ee")),
    )
    size = rng.randint(27, 31)
    x0, xv = 40 + _jitter(rng), 150 + _jitter(rng)
    y = 45 + _jitter(rng)
    label = "#2b5ea8"
    c.text((x0, y), "姓名", size - 2, label)
    c.text((xv, y), truth["name"], size + 4)
    y += 78
    c.text((x0, y), "性别", size - 2, label)
    c.text((xv, y), sex, size)
    c.text((xv + 150, y), "民族", size - 2, label)
    c.text((xv + 260, y), truth["nation"], size)
    y += 78
    c.text((x0, y), "出生", size - 2, label)
    parts = (str(born.year), "年", str(born.month), "月", str(born.day), "日")
    spaced = rng.random() < 0.5
    c.text((xv, y), " ".join(parts) if spaced else "".join(parts), size)
    y += 78
    c.text((x0, y), "住址", size - 2, label)
    for k, line in enumerate(_wrap(truth["address"], 12)):
        c.text((xv, y + k * (size + 14)), line, size)
    c.text((x0, 440 + _jitter(rng)), "公民身份号码", size - 2, label)
    c.text((x0 + 220 + _jitter(rng, 10), 440 + _jitter(rng, 2)), truth["id"], size + 4)
    # the photo: a grey block with no text
    c.draw.rectangle((620, 70, 800, 300), fill="#c9ced6")
    return Card("idcard_front", c.image, truth, "idcard", {"card_type": 0})


def idcard_back(rng: random.Random) -> Card:
    start = day(rng, 2005, 2022)
    years = rng.choice((5, 10, 20, 0))
    end = "长期" if years == 0 else f"{start.year + years}.{start.month:02d}.{start.day:02d}"
    city, districts = rng.choice(PROVINCES)
    authority = f"{city.split('省')[-1]}公安局{rng.choice(districts)}分局"
    truth = {"authority": authority, "valid_date": f"{start:%Y.%m.%d}-{end}"}
    c = Canvas((860 + _jitter(rng, 20), 540 + _jitter(rng, 12)), rng.choice(("#eef3f7", "#f2f0e6")))
    c.draw.ellipse((60, 40, 200, 180), outline="#b03030", width=4)  # the emblem
    c.text((260 + _jitter(rng), 60), "中华人民共和国", 40)
    c.text((300 + _jitter(rng), 130), "居民身份证", 46)
    size = rng.randint(27, 31)
    x0 = 120 + _jitter(rng)
    xv = x0 + 170 + _jitter(rng)
    c.text((x0, 360 + _jitter(rng, 3)), "签发机关", size - 2, "#2b5ea8")
    c.text((xv, 360 + _jitter(rng, 3)), authority, size)
    c.text((x0, 440 + _jitter(rng, 3)), "有效期限", size - 2, "#2b5ea8")
    c.text((xv, 440 + _jitter(rng, 3)), truth["valid_date"], size)
    return Card("idcard_back", c.image, truth, "idcard", {"card_type": 1})


def namecard(rng: random.Random) -> Card:
    name = person(rng)
    phone = rng.choice("3578") + "".join(str(rng.randint(0, 9)) for _ in range(9))
    phone = "1" + phone
    uin = str(rng.randint(10000, 2999999999)) if rng.random() < 0.7 else ""
    truth = {"name": name, "phone": phone, "uin": uin}
    c = Canvas(
        (900 + _jitter(rng, 20), 520 + _jitter(rng, 12)),
        rng.choice(("#fffdf8", "#f7f7f7", "#fdf6ec")),
    )
    x = 50 + _jitter(rng, 10)
    y = 40 + _jitter(rng)
    c.text((x, y), name, rng.randint(44, 54))
    c.text((x + 10, y + 80), rng.choice(TITLES), 26, "#444")
    c.text((x, y + 140), rng.choice(COMPANIES), 32, "#1d3f72")
    y += 220
    shown = phone if rng.random() < 0.6 else f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    lines = [(rng.choice(("手机", "Mobile", "M", "手机：")), shown)]
    if rng.random() < 0.5:
        lines.append(("电话", f"0{rng.randint(10, 999)}-{rng.randint(1000000, 99999999)}"))
    if uin:
        lines.append(("QQ", uin))
    lines.append(("邮箱", f"user{rng.randint(1, 999)}@example.com"))
    rng.shuffle(lines)
    for label, value in lines:
        c.text((x, y), f"{label} {value}" if label != "QQ" else f"QQ：{value}", 26)
        y += 46
    return Card("namecard", c.image, truth, "namecard", {"ret_image": 0})


def driver_licence(rng: random.Random) -> Card:
    born = day(rng, 1960, 2002)
    first = day(rng, max(born.year + 18, 1990), 2020)
    start = first if rng.random() < 0.5 else first.replace(year=first.year + 6)
    end = start.replace(year=start.year + rng.choice((6, 10)))
    truth = {
        "证号": id_number(rng, born),
        "姓名": person(rng),
        "性别": rng.choice("男女"),
        "国籍": "中国",
        "住址": address(rng),
        "出生日期": f"{born:%Y-%m-%d}",
        "领证日期": f"{first:%Y-%m-%d}",
        "准驾车型": rng.choice(CLASSES),
        "起始日期": f"{start:%Y-%m-%d}",
        "有效日期": f"{end:%Y-%m-%d}",
    }
    c = Canvas((900 + _jitter(rng, 20), 600 + _jitter(rng, 12)), rng.choice(("#f4f1fa", "#eef4f4")))
    size = rng.randint(25, 29)
    x0 = 40 + _jitter(rng)
    c.text((170 + _jitter(rng), 28), "中华人民共和国机动车驾驶证", 34)
    y = 105
    c.pair((x0, y), "证号", truth["证号"], size, rng)
    y += 62
    c.pair((x0, y), "姓名", truth["姓名"], size, rng)
    c.pair((x0 + 380, y), "性别", truth["性别"], size, rng)
    c.pair((x0 + 580, y), "国籍", truth["国籍"], size, rng)
    y += 62
    place = _wrap(truth["住址"], 20)
    c.pair((x0, y), "住址", place[0], size, rng)
    for k, more in enumerate(place[1:], 1):
        c.text((x0 + 84, y + k * (size + 12)), more, size)
    y += 62 + (len(place) - 1) * (size + 12)
    c.pair((x0, y), "出生日期", truth["出生日期"], size, rng)
    y += 62
    c.pair((x0, y), "初次领证日期", truth["领证日期"], size, rng)
    y += 62
    c.pair((x0, y), "准驾车型", truth["准驾车型"], size, rng)
    y += 62
    period = f"{truth['起始日期']}至{truth['有效日期']}"
    c.pair((x0, y), "有效期限", period, size, rng)
    return Card("driver_licence", c.image, truth, "drivinglicence", {"type": 1})


def vehicle_licence(rng: random.Random) -> Card:
    registered = day(rng, 2005, 2023)
    plate = rng.choice(PLATE_PREFIX) + "".join(
        rng.choice(PLATE_LETTERS + "0123456789" * 2) for _ in range(5)
    )
    truth = {
        "车牌号码": plate,
        "车辆类型": rng.choice(VEHICLE_TYPES),
        "所有人": person(rng),
        "住址": address(rng),
        "使用性质": rng.choice(USES),
        "品牌型号": rng.choice(MODELS),
        "识别代码": "L" + "".join(rng.choice(VIN_CHARS) for _ in range(16)),
        "发动机号": "".join(rng.choice(VIN_CHARS) for _ in range(rng.randint(7, 9))),
        "注册日期": f"{registered:%Y-%m-%d}",
        "发证日期": f"{registered + timedelta(days=rng.randint(0, 30)):%Y-%m-%d}",
    }
    c = Canvas((920 + _jitter(rng, 20), 620 + _jitter(rng, 12)), rng.choice(("#f1f5ee", "#f5f2ea")))
    size = rng.randint(26, 30)
    x0 = 36 + _jitter(rng)
    c.text((200 + _jitter(rng), 24), "中华人民共和国机动车行驶证", 34)
    rows = [
        (("号牌号码", "车牌号码"), ("车辆类型", "车辆类型")),
        (("所有人", "所有人"),),
        (("住址", "住址"),),
        (("使用性质", "使用性质"),),
        (("品牌型号", "品牌型号"),),
        (("车辆识别代号", "识别代码"),),
        (("发动机号码", "发动机号"),),
        (("注册日期", "注册日期"), ("发证日期", "发证日期")),
    ]
    y = 96
    for row in rows:
        for k, (printed, key) in enumerate(row):
            c.pair((x0 + 430 * k, y), printed, truth[key], size, rng)
        y += 58
    return Card("vehicle_licence", c.image, truth, "drivinglicence", {"type": 0})


MAKERS: dict[str, Callable[[random.Random], Card]] = {
    "idcard_front": idcard_front,
    "idcard_back": idcard_back,
    "namecard": namecard,
    "driver_licence": driver_licence,
    "vehicle_licence": vehicle_licence,
}
