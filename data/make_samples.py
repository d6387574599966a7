"""Generate the bundled sample images and their ground truth (ocrframe/data/samples/).

    python data/make_samples.py            # needs Debian's fonts-wqy-microhei and fonts-dejavu-core

The images are committed and ship inside the package (package data: a wheel carries them and
``ocrframe.samples()`` finds them wherever ocrframe is installed), so users need no font; this
script, which is not shipped, is how they were made. Each sample is drawn line by line, so the
truth knows every line's text and box (after any rotation), and card samples also list their
fields. Deterministic: the same fonts give the same pixels.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocrframe.sample_images import hard_pages

HERE = Path(__file__).resolve().parents[1] / "ocrframe" / "data" / "samples"  # package data
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SERIF_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SANS_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass
class Sample:
    name: str
    size: tuple[int, int]
    background: str = "white"
    lines: list[tuple[tuple[int, int], str, str, int, str]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def text(self, xy, text, font=CJK_FONT, size=28, fill="black"):
        self.lines.append((xy, text, font, size, fill))
        return self


def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def render(sample: Sample) -> tuple[Image.Image, list[dict]]:
    img = Image.new("RGB", sample.size, sample.background)
    draw = ImageDraw.Draw(img)
    truth = []
    for (x, y), text, path, size, fill in sample.lines:
        f = font(path, size)
        draw.text((x, y), text, font=f, fill=fill)
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=f)
        truth.append({"text": text, "box": [x0, y0, x1 - x0, y1 - y0]})
    return img, truth


def rotate(img: Image.Image, truth: list[dict], degrees: float) -> Image.Image:
    """Rotate about the centre (counter-clockwise, like PIL) and move the boxes with it."""
    out, boxes = hard_pages.rotate(img, [line["box"] for line in truth], degrees)
    for line, box in zip(truth, boxes):
        line["box"] = box
    return out


def samples() -> list[tuple[Sample, dict]]:
    out = []
    zh = Sample("zh_document.png", (760, 300), note="Chinese printed text, clean")
    for k, line in enumerate(
        [
            "通用文字识别服务提供图片整体文字的检测和识别",
            "支持多场景、任意版面下整图文字的识别",
            "应用场景：印刷文档识别、广告图文字识别",
            "街景店招识别、菜单识别、视频标题识别",
        ]
    ):
        zh.text((30, 30 + 64 * k), line, size=30)
    out.append((zh, {}))

    en = Sample("en_document.png", (820, 280), note="English printed text, serif, clean")
    for k, line in enumerate(
        [
            "Optical character recognition turns images",
            "of printed text into data that a program",
            "can search, count and analyse.",
            "Invoice No. 2024-0917, total EUR 1,250.00",
        ]
    ):
        en.text((30, 28 + 58 * k), line, font=SERIF_FONT, size=30)
    out.append((en, {}))

    receipt = Sample("receipt.png", (480, 560), background="#fbfaf4", note="receipt-like page")
    rows = [
        ("好又多超市 HAOYOUDUO", 30), ("2024-03-15 18:42  收银员 07", 24),
        ("苹果 Apple 1.5kg  12.60", 24), ("牛奶 Milk x2  15.80", 24),
        ("面包 Bread  8.50", 24), ("鸡蛋 Eggs 12  9.90", 24),
        ("合计 TOTAL  46.80", 28), ("现金 CASH  50.00", 24), ("找零 CHANGE  3.20", 24),
        ("谢谢惠顾 Thank you", 26),
    ]  # fmt: skip
    y = 24
    for text, size in rows:
        receipt.text((28, y), text, size=size)
        y += size + 24
    out.append((receipt, {}))

    card = Sample("idcard_front.png", (860, 540), background="#eef3f7", note="ID-card-like card")
    card_rows = [
        ((40, 50), "姓名", 28), ((150, 50), "张伟", 34),
        ((40, 130), "性别", 28), ((150, 130), "男", 30), ((300, 130), "民族", 28), ((410, 130), "汉", 30),
        ((40, 210), "出生", 28), ((150, 210), "1990年3月15日", 30),
        ((40, 290), "住址", 28), ((150, 290), "北京市海淀区中关村大街27号", 30),
        ((40, 430), "公民身份号码", 28), ((260, 430), "110108199003151234", 34),
    ]  # fmt: skip
    for xy, text, size in card_rows:
        card.text(xy, text, size=size)
    fields = {"name": "张伟", "sex": "男", "nation": "汉", "birth": "1990年3月15日",
              "address": "北京市海淀区中关村大街27号", "id": "110108199003151234"}  # fmt: skip
    out.append((card, {"fields": fields}))

    nc = Sample("namecard.png", (900, 500), background="#fffdf8", note="business card")
    for xy, text, size in [
        ((50, 50), "李明", 48), ((50, 125), "高级数据工程师 Senior Data Engineer", 26),
        ((50, 200), "星河数据科技有限公司", 32), ((50, 290), "手机 13812345678", 28),
        ((50, 345), "邮箱 liming@example.com", 28), ((50, 400), "地址 上海市浦东新区世纪大道100号", 28),
    ]:  # fmt: skip
        nc.text(xy, text, size=size)
    out.append(
        (
            nc,
            {"fields": {"name": "李明", "phone": "13812345678", "company": "星河数据科技有限公司"}},
        )
    )

    lic = Sample("licence.png", (900, 600), background="#f4f1fa", note="driver-licence-like card")
    for xy, text, size in [
        ((170, 30), "中华人民共和国机动车驾驶证", 34),
        ((40, 110), "证号 440301198807226512", 28),
        ((40, 175), "姓名 王芳", 28), ((420, 175), "性别 女", 28), ((620, 175), "国籍 中国", 28),
        ((40, 240), "住址 广东省深圳市南山区科技园路8号", 28),
        ((40, 305), "出生日期 1988-07-22", 28),
        ((40, 370), "初次领证日期 2010-05-18", 28),
        ((40, 435), "准驾车型 C1", 28),
        ((40, 500), "有效期限 2016-05-18至2026-05-18", 28),
    ]:  # fmt: skip
        lic.text(xy, text, size=size)
    out.append((lic, {"fields": {"license_no": "440301198807226512", "name": "王芳", "sex": "女"}}))

    rot = Sample("rotated.png", (760, 300), note="mixed text rotated by 3 degrees")
    for k, line in enumerate(
        ["扫描件常常有轻微的倾斜", "Scanned pages are often skewed", "倾斜角度 3 度 / 3 degrees"]
    ):
        rot.text((40, 50 + 70 * k), line, font=CJK_FONT, size=30)
    out.append((rot, {"rotate": 3.0}))

    soft = Sample(
        "blurred_lowcontrast.png",
        (760, 240),
        background="#e8e8e8",
        note="slight blur, low contrast",
    )
    for k, line in enumerate(
        ["低对比度和轻微模糊的文字", "Low contrast, slightly blurred text", "编号 No. 58213"]
    ):
        soft.text((40, 40 + 64 * k), line, size=30, fill="#6e6e6e")
    out.append((soft, {"blur": 0.8}))

    small = Sample("small_text.png", (640, 200), note="small print")
    for k, line in enumerate(
        [
            "小号字体的说明文字也要能识别",
            "Small print should be readable too: 0.5 mm",
            "批号 LOT 20240315-A",
        ]
    ):
        small.text((20, 20 + 34 * k), line, size=20)
    out.append((small, {}))
    return out


def main() -> int:
    for path in (CJK_FONT, SERIF_FONT):
        if not Path(path).exists():
            print(f"missing font {path}: apt-get install fonts-wqy-microhei fonts-dejavu-core")
            return 1
    HERE.mkdir(parents=True, exist_ok=True)
    records = []
    for sample, how in samples():
        img, lines = render(sample)
        if "rotate" in how:
            img = rotate(img, lines, how["rotate"])
        if "blur" in how:
            img = img.filter(ImageFilter.GaussianBlur(how["blur"]))
        img.save(HERE / sample.name, optimize=True)
        record = {"source": sample.name, "note": sample.note, "lines": [ln["text"] for ln in lines],
                  "boxes": [ln["box"] for ln in lines]}  # fmt: skip
        if how.get("fields"):
            record["fields"] = how["fields"]
        records.append(record)
    with open(HERE / "truth.jsonl", "w", encoding="utf-8") as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} samples to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
