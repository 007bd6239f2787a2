"""The default appraisal template: the components and a–d criteria of the 2019 national
guideline (农村住房安全性鉴定技术导则, 建村函〔2019〕200号), as printed in its appraisal form.

This is the frozen seed of the national template (version 1). Provinces refine it as their
own versions in the app (``template_derive`` / ``template_update``); this module is never
edited to change a province's criteria. ADR 0011 says which texts were checked against a
published copy of the form."""

from __future__ import annotations

from typing import Any

from anju.households.choices import StructureType as S

MASONRY_WOOD = [S.BRICK_WOOD, S.EARTH_WOOD, S.BRICK_EARTH, S.STONE_WOOD, S.RAW_EARTH, S.CAVE, S.OTHER]
WITH_WALLS = [*MASONRY_WOOD, S.BRICK_CONCRETE]
WITH_TIMBER = [S.BRICK_WOOD, S.EARTH_WOOD, S.BRICK_EARTH, S.STONE_WOOD, S.WOOD, S.RAW_EARTH, S.OTHER]
WITH_CONCRETE = [S.BRICK_CONCRETE, S.REINFORCED_CONCRETE]
ALL = [choice.value for choice in S]

SITE_CRITERIA = (
    "房屋场地处于滑坡、崩塌、泥石流、地陷、地裂等地质灾害易发区，或洪水、岸边冲刷等威胁范围内，"
    "经判定场地危险的，房屋直接评定为 D 级，并建议异地新建。"
)

PREVENTION_CRITERIA = {
    "full": "具备：有圈梁、构造柱或木构架可靠连接等与设防烈度相适应的构造措施，整体性好。",
    "partial": "部分具备：只有部分构造措施，或措施不完整、连接不可靠。",
    "none": "完全不具备：无任何防灾构造措施（设防烈度 8 度及以上地区应重点检查抗震构造）。",
}

COMPONENTS: list[dict[str, Any]] = [
    {
        "code": "foundation",
        "name": "地基基础",
        "structures": ALL,
        "criteria": {
            "a": "完好，地基、基础稳固。",
            "b": "基础埋深略小；有轻微不均匀沉降。",
            "c": "基础埋深偏小；有明显不均匀沉降。",
            "d": "地基失稳；基础局部或整体塌陷。",
        },
    },
    {
        "code": "walls",
        "name": "承重墙体",
        "structures": [str(s) for s in WITH_WALLS],
        "criteria": {
            "a": "砌筑质量良好；无裂缝、剥蚀、歪斜。",
            "b": "砌筑质量一般或较差；有轻微开裂或剥蚀。",
            "c": "砌筑质量很差；裂缝较多，剥蚀严重；纵横墙体脱闪，个别墙体歪斜。",
            "d": "墙体严重开裂；部分严重歪斜；局部倒塌或有倒塌危险。",
        },
    },
    {
        "code": "timber_members",
        "name": "木柱、梁、檩",
        "structures": [str(s) for s in WITH_TIMBER],
        "criteria": {
            "a": "无腐朽或虫蛀；无变形；有轻微干缩裂缝。",
            "b": "轻微腐朽或虫蛀；有轻微变形；构件纵向干缩裂缝深度超过木材直径的 1/6。",
            "c": "有明显腐朽或虫蛀；梁檩跨中明显挠曲，或出现横纹裂缝；梁檩端部出现劈裂；"
            "柱身明显歪斜；柱础错位；构件纵向干缩裂缝深度超过木材直径的 1/4。",
            "d": "严重腐朽或虫蛀；梁檩跨中严重挠曲，或出现严重横纹裂缝；梁檩端部严重劈裂；"
            "柱身严重歪斜；柱础严重错位；构件有折断或失稳危险。",
        },
    },
    {
        "code": "timber_truss",
        "name": "木屋架",
        "structures": [str(s) for s in WITH_TIMBER],
        "criteria": {
            "a": "桁架完整；无腐朽或虫蛀；无变形；节点连接可靠。",
            "b": "轻微腐朽或虫蛀；有轻微变形；个别节点连接松动。",
            "c": "有明显腐朽或虫蛀；屋架明显变形或平面外倾斜；节点连接松动、脱榫。",
            "d": "严重腐朽或虫蛀；屋架严重变形或倾斜；节点连接失效，局部有塌落危险。",
        },
    },
    {
        "code": "concrete_members",
        "name": "混凝土柱、梁",
        "structures": [str(s) for s in WITH_CONCRETE],
        "criteria": {
            "a": "完好；无裂缝、露筋、变形。",
            "b": "有轻微裂缝；个别部位混凝土剥落、露筋。",
            "c": "有明显裂缝、露筋、钢筋锈蚀；个别构件明显变形。",
            "d": "严重开裂，露筋锈蚀严重；构件严重变形或局部塌落。",
        },
    },
    {
        "code": "floor_roof",
        "name": "楼、屋盖",
        "structures": ALL,
        "criteria": {
            "a": "楼、屋面板无裂缝、变形；屋面完好，无渗漏。",
            "b": "楼、屋面板有轻微裂缝；屋面局部破损、渗漏。",
            "c": "楼、屋面板有明显裂缝或变形；支承处松动；屋面严重渗漏。",
            "d": "楼、屋面板严重开裂、变形；局部塌落或有塌落危险。",
        },
    },
    {
        "code": "enclosure",
        "name": "围护结构",
        "structures": ALL,
        "criteria": {
            "a": "围护墙、门窗完好。",
            "b": "个别部位开裂、风化；门窗轻微变形。",
            "c": "多处开裂、风化剥落；门窗过梁开裂、变形。",
            "d": "严重开裂、局部倒塌，有伤人危险。",
        },
    },
]


def default_content() -> dict[str, Any]:
    """A fresh copy of the national template's content (callers may mutate it)."""
    return {
        "source": "农村住房安全性鉴定技术导则（建村函〔2019〕200号）附件鉴定表",
        "site_criteria": SITE_CRITERIA,
        "prevention_criteria": dict(PREVENTION_CRITERIA),
        "components": [
            {**c, "structures": [str(s) for s in c["structures"]], "criteria": dict(c["criteria"])} for c in COMPONENTS
        ],
    }
