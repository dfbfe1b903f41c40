"""The festival template ``trigger_fes``: a free music festival for people in social withdrawal
and their families, 13:30–20:30, where the audience may come and go freely.

Each block has its fixed times as stage options (``start``, ``end``). The walk-in block
「当日キャンセル・当日飛び込みOK！枠」 is an ``openmic`` stage: its ``end`` is a hard end the
running order never passes.
"""

TEMPLATE = """
[template]
id = "trigger_fes"
title = { ja = "トリガーフェス（音楽フェス）", en = "Trigger Fes (a music festival)" }
description.ja = "ひきこもりの当事者や家族が“きっかけ”を見つけるための音楽フェス。出入り自由。"
description.en = "A free music festival, a first step for people in withdrawal and their families"
minutes = 420

[[stages]]
id = "opening"
type = "opening"
title = { ja = "オープニングセレモニー", en = "Opening ceremony" }
minutes = 30
start = "13:30"
end = "14:00"
rules.ja = [
  "開演中は会場の出入り自由です", "だれも否定しない", "出るのも、やめるのも、いつでもだいじょうぶ",
]
rules.en = ["Come and go freely", "Nobody is put down", "Taking part, or not, is always fine"]

[[stages]]
id = "panel"
type = "free"
title = { ja = "専門家によるパネルディスカッション", en = "Panel discussion with specialists" }
minutes = 60
start = "14:00"
end = "15:00"
rules.ja = ["出入り自由です", "質問はあとで受付でも"]
rules.en = ["Come and go freely", "Questions are welcome at the desk later too"]

[[stages]]
id = "live1"
type = "free"
title = { ja = "ライブ演奏・ステージパフォーマンス①", en = "Live performances ①" }
minutes = 90
start = "15:00"
end = "16:30"
rules.ja = ["出入り自由です", "拍手でむかえましょう"]
rules.en = ["Come and go freely", "Let us welcome each act with applause"]

[[stages]]
id = "walkin"
type = "openmic"
title = { ja = "当日キャンセル・当日飛び込みOK！枠", en = "Cancel-OK, walk-in-OK stage" }
minutes = 110
start = "16:30"
end = "18:20"   # a hard end: the running order never passes it
min_slot_minutes = 5
max_slot_minutes = 15
changeover_minutes = 2
companion_minutes = 1
rules.ja = [
  "出演は、いつでもキャンセルしてだいじょうぶ",
  "飛び込み出演は受付へ（ステージ名だけで）",
  "拍手でむかえましょう",
]
rules.en = [
  "Anyone may cancel, at any moment",
  "Walk-ins: see the desk (a stage name is enough)",
  "Let us welcome each act with applause",
]

[[stages]]
id = "live2"
type = "free"
title = { ja = "ライブ演奏・ステージパフォーマンス②", en = "Live performances ②" }
minutes = 120
start = "18:20"
end = "20:20"
rules.ja = ["出入り自由です", "拍手でむかえましょう"]
rules.en = ["Come and go freely", "Let us welcome each act with applause"]

[[stages]]
id = "closing"
type = "closing"
title = { ja = "クロージングセレモニー", en = "Closing ceremony" }
minutes = 10
start = "20:20"
end = "20:30"
rules.ja = ["きてくれて、ありがとう"]
rules.en = ["Thank you for coming"]
"""
