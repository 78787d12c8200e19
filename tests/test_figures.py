"""The drawings agree with the cues: geometry of every pose, and the pictures' API.

Each test reads like the check a person would make holding the cue text beside the
picture: a limb is as long in one pose as in the other, what the cue puts on the floor
touches the floor, nothing sinks below it, and joints stay within ordinary human ranges.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from backcare.catalog import Catalog, load_catalog
from backcare.figures import FigureError, exercise_svg, load_figures, placeholder_svg
from backcare.figures.body import LENGTHS, Body, joint_angles
from backcare.figures.scene import DOOR_HEIGHT, Figure

TOL = 1.0  # world units (about a centimetre)

# Ordinary ranges of motion in degrees (after the AAOS normal values: hip flexion 120 with
# the knee bent, extension 30; knee 0-135, more when kneeling or pulled; ankle dorsiflexion
# 20, plantarflexion 50; shoulder flexion 180, extension 60; elbow 0-150; neck 45 each way),
# with a few degrees of slack where a stretch takes a joint to its end.
SIDE_RANGES = {
    "neck": (-45, 50),
    "shoulder": (-60, 185),
    "elbow": (-5, 150),
    "wrist": (-60, 60),
    "hip": (-30, 130),
    "knee": (-5, 160),
    "ankle": (-50, 30),
}
FRONT_RANGES = {
    "neck": (-40, 40),  # side bend
    "shoulder": (-10, 180),  # abduction
    "elbow": (0, 150),
    "wrist": (0, 60),
    "hip": (-15, 50),  # abduction
    "knee": (0, 10),
}

BUNDLED = [
    "foot_ball_roll",
    "calf_stretch",
    "kneeling_hip_flexor",
    "runners_stretch",
    "side_lying_leg_raise",
    "pec_wall_stretch",
    "lat_stretch",
    "prone_cobra",
    "dead_bug_heel_touch",
]


@pytest.fixture(scope="module")
def figures():
    return load_figures(include_user=False)


def _bodies(figures) -> list[tuple[str, str, Figure, Body]]:
    return [
        (fid, pose, figures[fid], figures[fid].body(pose))
        for fid in BUNDLED
        for pose in ("start", "end")
    ]


def _params() -> list:
    return [
        pytest.param(fid, pose, id=f"{fid}-{pose}") for fid in BUNDLED for pose in ("start", "end")
    ]


def _dist(p, q) -> float:
    return math.hypot(p[0] - q[0], p[1] - q[1])


def _on_floor(body: Body, point: str) -> bool:
    return abs(body.bottom(point)) <= TOL


def _on_circle(body: Body, figure: Figure, point: str, kind: str) -> bool:
    prop = figure.prop(kind)
    assert prop is not None, f"no {kind} in the picture"
    (centre, radius) = prop.circle()  # type: ignore[misc]
    gap = _dist(body.point(point), centre) - radius - body.radius(point)
    return abs(gap) <= TOL


# -- every exercise of the catalog has its drawing ---------------------------------------
def test_every_catalog_exercise_has_start_and_end(catalog: Catalog, figures) -> None:
    assert sorted(catalog) == sorted(BUNDLED)
    for exercise_id in catalog:
        figure = figures[exercise_id]
        assert set(figure.poses) == {"start", "end"}, exercise_id
        assert figure.highlights, f"{exercise_id}: no target muscles coloured"


@pytest.mark.parametrize(("fid", "pose"), _params())
def test_limb_lengths_are_constant(figures, fid: str, pose: str) -> None:
    body = figures[fid].body(pose)
    p = body.points
    pairs = {
        "torso": ("pelvis", "shoulder"),
        "neck": ("shoulder", "head"),
    }
    for side in ("right", "left"):
        pairs |= {
            f"{side} upper_arm": (f"{side}_shoulder", f"{side}_elbow"),
            f"{side} forearm": (f"{side}_elbow", f"{side}_wrist"),
            f"{side} hand": (f"{side}_wrist", f"{side}_hand"),
            f"{side} thigh": (f"{side}_hip", f"{side}_knee"),
            f"{side} shin": (f"{side}_knee", f"{side}_ankle"),
        }
    for name, (a, b) in pairs.items():
        expected = LENGTHS[name.split()[-1]]
        assert _dist(p[a], p[b]) == pytest.approx(expected, abs=0.01), f"{fid} {pose}: {name}"
    if body.view == "side":
        for side in ("right", "left"):
            assert _dist(p[f"{side}_heel"], p[f"{side}_toe"]) == pytest.approx(24, abs=0.01)


@pytest.mark.parametrize(("fid", "pose"), _params())
def test_nothing_below_the_floor(figures, fid: str, pose: str) -> None:
    body = figures[fid].body(pose)
    assert body.lowest() >= -TOL, (fid, pose, body.lowest())


@pytest.mark.parametrize(("fid", "pose"), _params())
def test_joints_within_human_ranges(figures, fid: str, pose: str) -> None:
    body = figures[fid].body(pose)
    ranges = SIDE_RANGES if body.view == "side" else FRONT_RANGES
    for joint, angle in joint_angles(body).items():
        low, high = ranges[joint.removeprefix("right_").removeprefix("left_")]
        assert low <= angle <= high, f"{fid} {pose}: {joint} at {angle:.0f} degrees"


def test_poses_differ(figures) -> None:
    """A start and an end that look the same teach nothing."""
    for fid in BUNDLED:
        start, end = figures[fid].body("start"), figures[fid].body("end")
        moved = max(_dist(start.points[k], end.points[k]) for k in start.points)
        assert moved > 8, fid


# -- each picture agrees with its cue --------------------------------------------------------
def test_prone_cobra_face_down_then_chest_lifted(figures) -> None:
    fig = figures["prone_cobra"]
    start, end = fig.body("start"), fig.body("end")
    for body in (start, end):
        assert body.view == "side"
        assert _on_floor(body, "pelvis")  # lying on the stomach, hips down
        assert all(_on_floor(body, f"{s}_knee") for s in ("right", "left"))
        assert all(_on_floor(body, f"{s}_toe") for s in ("right", "left"))
        # arms by the hips: hands beside the pelvis, not overhead
        for s in ("right", "left"):
            assert body.points[f"{s}_wrist"][0] < body.points["pelvis"][0] + 10
    assert abs(start.angles["torso"]) < 5 and _on_floor(start, "chest")
    assert _on_floor(start, "head")  # forehead down, eyes to the floor
    # end: chest a little off the floor (not a press-up), arms off the floor, neck in line
    assert 10 <= end.bottom("chest") <= 25
    assert 10 <= end.angles["torso"] <= 30
    assert all(end.bottom(f"{s}_hand") > 5 for s in ("right", "left"))
    assert abs(joint_angles(end)["neck"]) <= 10


def test_dead_bug_hips_and_knees_at_right_angles_then_one_heel_down(figures) -> None:
    fig = figures["dead_bug_heel_touch"]
    start, end = fig.body("start"), fig.body("end")
    for body in (start, end):
        for point in ("pelvis", "shoulder", "head"):  # on the back
            assert _on_floor(body, point), point
        assert body.points["head"][1] < 25
    for side in ("right", "left"):
        angles = joint_angles(start)
        assert angles[f"{side}_hip"] == pytest.approx(90, abs=5)
        assert angles[f"{side}_knee"] == pytest.approx(90, abs=5)
    angles = joint_angles(end)
    assert _on_floor(end, "right_heel")  # the heel taps the floor
    assert angles["right_knee"] == pytest.approx(90, abs=5)  # moving only at the hip
    assert angles["left_hip"] == pytest.approx(90, abs=5)  # the other leg stays up
    assert angles["left_knee"] == pytest.approx(90, abs=5)
    assert end.bottom("left_heel") > 30


def test_hip_flexor_half_kneeling_on_the_towel(figures) -> None:
    fig = figures["kneeling_hip_flexor"]
    for pose in ("start", "end"):
        body = fig.body(pose)
        assert _on_circle(body, fig, "right_knee", "towel"), pose  # kneeling knee on the towel
        assert _on_floor(body, "right_toe")
        assert _on_floor(body, "left_heel") and _on_floor(body, "left_toe")  # front foot flat
        assert 70 <= joint_angles(body)["left_knee"] <= 110
        assert 80 <= body.angles["torso"] <= 100  # upright, square
        assert body.points["left_ankle"][0] > body.points["right_knee"][0] + 30
    start, end = fig.body("start"), fig.body("end")
    assert joint_angles(end)["right_hip"] < joint_angles(start)["right_hip"] - 5  # hips forward
    assert joint_angles(end)["right_shoulder"] >= 160  # kneeling-side arm overhead
    assert end.points["right_hand"][1] > end.points["head"][1] + 20


def test_runners_stretch_on_one_leg_holding_the_ankle(figures) -> None:
    fig = figures["runners_stretch"]
    start, end = fig.body("start"), fig.body("end")
    for side in ("right", "left"):
        assert _on_floor(start, f"{side}_heel") and _on_floor(start, f"{side}_toe")
    assert _on_floor(end, "left_heel") and _on_floor(end, "left_toe")  # standing leg
    assert end.bottom("right_toe") > 40  # the other foot is off the floor
    assert _dist(end.points["right_wrist"], end.points["right_ankle"]) <= 4  # holding the ankle
    assert joint_angles(end)["right_knee"] >= 140  # heel toward the buttock
    assert _dist(end.points["right_ankle"], end.points["pelvis"]) <= 25
    assert abs(end.angles["right_thigh"] - end.angles["left_thigh"]) <= 10  # knees together
    assert 85 <= end.angles["torso"] <= 95  # standing tall


def test_pec_stretch_forearm_on_the_frame_at_shoulder_height(figures) -> None:
    fig = figures["pec_wall_stretch"]
    assert fig.view == "front"
    frame = fig.prop("door_frame")
    assert frame is not None
    end = fig.body("end")
    p = end.points
    assert abs(p["right_elbow"][1] - p["right_shoulder"][1]) <= 3  # elbow at shoulder height
    assert joint_angles(end)["right_elbow"] == pytest.approx(90, abs=5)  # a right angle
    assert abs(p["right_wrist"][0] - p["right_elbow"][0]) <= 1  # forearm upright ...
    inner_face = frame.x
    for point in ("right_elbow", "right_wrist"):  # ... and flat on the post
        assert abs(p[point][0] - end.radius(point) - inner_face) <= TOL, point
    assert p["right_hand"][1] < DOOR_HEIGHT
    for body in (fig.body("start"), end):
        assert _on_floor(body, "right_sole") and _on_floor(body, "left_sole")


def test_lat_stretch_kneeling_hands_on_the_ball_arms_long(figures) -> None:
    fig = figures["lat_stretch"]
    start, end = fig.body("start"), fig.body("end")
    for body in (start, end):
        for side in ("right", "left"):
            assert _on_floor(body, f"{side}_knee")
            assert _on_circle(body, fig, f"{side}_wrist", "stability_ball")
    angles = joint_angles(end)
    assert angles["right_elbow"] <= 25  # arms long
    assert angles["right_shoulder"] >= 165  # chest sunk between the arms
    assert end.points["pelvis"][0] < start.points["pelvis"][0] - 15  # hips back
    assert end.points["shoulder"][1] < start.points["shoulder"][1] - 20


def test_calf_stretch_back_leg_straight_heel_down(figures) -> None:
    fig = figures["calf_stretch"]
    start, end = fig.body("start"), fig.body("end")
    for body in (start, end):
        angles = joint_angles(body)
        assert angles["right_knee"] <= 3  # back knee straight
        assert _on_floor(body, "right_heel") and _on_floor(body, "right_toe")  # heel down
        assert _on_floor(body, "left_heel") and _on_floor(body, "left_toe")
        assert body.points["left_ankle"][0] - body.points["right_ankle"][0] > 40  # staggered
        assert angles["right_ankle"] > 10  # the calf lengthens
    assert joint_angles(end)["left_knee"] > joint_angles(start)["left_knee"] + 10  # lean in
    assert joint_angles(end)["right_ankle"] > joint_angles(start)["right_ankle"]


def test_foot_roll_ball_under_the_arch(figures) -> None:
    fig = figures["foot_ball_roll"]
    ball = fig.prop("ball")
    assert ball is not None
    for pose in ("start", "end"):
        body = fig.body(pose)
        assert _on_floor(body, "left_heel") and _on_floor(body, "left_toe")  # standing foot
        heel, toe = body.points["right_heel"], body.points["right_toe"]
        assert heel[0] < ball.x < toe[0]  # the ball is under the foot, between heel and toe
        assert abs(heel[1] - toe[1]) < 1  # the sole level on the ball
        assert body.bottom("right_heel") == pytest.approx(8, abs=TOL)  # resting on its top
    # rolled from the back of the arch toward the toes
    start_at = (ball.x - fig.body("start").points["right_heel"][0]) / 24
    end_at = (ball.x - fig.body("end").points["right_heel"][0]) / 24
    assert 0.25 <= start_at < end_at <= 0.8


def test_side_lying_leg_raise_on_the_side_top_leg_up(figures) -> None:
    fig = figures["side_lying_leg_raise"]
    assert fig.view == "front"
    assert fig.prop("wall") is not None
    start, end = fig.body("start"), fig.body("end")
    for body in (start, end):
        assert abs(body.angles["torso"]) <= 10  # lying along the floor
        assert _on_floor(body, "left_hip") and _on_floor(body, "left_shoulder")
        assert _on_floor(body, "left_knee")  # the bottom leg rests on the floor
    assert joint_angles(start)["right_hip"] == pytest.approx(0, abs=8)  # legs together
    assert 25 <= joint_angles(end)["right_hip"] <= 45  # raised, not flung
    assert end.bottom("right_sole") > 30


# -- the SVG -------------------------------------------------------------------------------
def test_still_pictures_have_a_floor_and_a_target(catalog: Catalog, figures) -> None:
    for exercise in catalog.exercises:
        for phase in ("start", "end", "hold"):
            svg = exercise_svg(exercise, phase=phase, size=120, figures=figures)
            assert svg.startswith("<svg") and svg.endswith("</svg>")
            assert 'width="120"' in svg
            assert "animateTransform" not in svg
            assert "#e8590c" in svg  # the target muscles
            assert 'stroke-dasharray="1.6 1.8"' in svg  # and their mark for black and white
            assert " id=" not in svg  # many pictures share a page


def test_moving_picture_turns_joints_and_keeps_lengths(catalog: Catalog, figures) -> None:
    svg = exercise_svg(catalog["dead_bug_heel_touch"], phase="move", figures=figures)
    assert 'type="rotate"' in svg and 'repeatCount="indefinite"' in svg
    # every limb is drawn from its joint along x: its length never changes while it turns
    lengths = {float(m) for m in re.findall(r'<line x1="0" y1="0" x2="([\d.]+)" y2="0"', svg)}
    assert lengths <= {*LENGTHS.values(), LENGTHS["neck"] - 8}
    # alternating: one thigh lowers in the first half of the loop, the other in the second
    turns = set(re.findall(r'type="rotate" values="([^"]+)"', svg))  # (a limb and its edge)
    lowered = sorted(i for values in turns for i, v in enumerate(values.split(";")) if v != "-90")
    assert lowered == [1, 3], turns


@pytest.mark.parametrize(
    ("exercise_id", "rep_seconds", "expected"),
    [
        ("dead_bug_heel_touch", 3.0, 6.0),  # alternating: a rep each side
        ("side_lying_leg_raise", 2.5, 2.5),
        ("prone_cobra", 3.0, 6.0),  # 3 s up and down, 3 s hold at the top
        ("lat_stretch", 3.0, 7.5),  # ease in, stay, ease out
        ("foot_ball_roll", 3.0, 6.0),
    ],
)
def test_tempo(catalog: Catalog, figures, exercise_id: str, rep_seconds: float, expected: float):
    svg = exercise_svg(catalog[exercise_id], rep_seconds=rep_seconds, figures=figures)
    assert f'dur="{expected:g}s"' in svg


def test_left_side_is_the_mirror(catalog: Catalog, figures) -> None:
    right = exercise_svg(catalog["calf_stretch"], phase="end", side="right", figures=figures)
    left = exercise_svg(catalog["calf_stretch"], phase="end", side="left", figures=figures)
    assert 'transform="scale(1,-1)"' in right and 'transform="scale(-1,-1)"' in left
    assert right.replace("scale(1,-1)", "") != left.replace("scale(-1,-1)", "")
    # a timeline step's side goes straight in: "alternating" and None are drawn as they are
    for side in ("alternating", None):
        assert exercise_svg(catalog["calf_stretch"], phase="end", side=side, figures=figures) == (
            right
        )


def test_label_is_escaped(catalog: Catalog, figures) -> None:
    from dataclasses import replace

    hostile = replace(catalog["calf_stretch"], name='<script>alert("x")</script>')
    svg = exercise_svg(hostile, phase="start", figures=figures)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


# -- a trainer's own exercises ---------------------------------------------------------------
OWN_EXERCISE = """
[[exercise]]
id = "{id}"
name = "{name}"
group = "upper_back"
targets = ["middle trapezius"]
equipment = []
kind = "reps"
sides = "both"
prescription = {{ sets = 1, reps = 10 }}
cues = ["Stand tall.", "Squeeze the shoulder blades.", "Let go slowly."]
"""

OWN_POSES = """
[figure.shoulder_squeeze]
view = "side"
highlight = [{ segment = "torso", from = [0.6, 0.6], to = [0.95, 0.6] }]

[figure.shoulder_squeeze.start]
torso = 90
head = 90
right_arm = [-90, -80]
left_arm = [-90, -80]
right_leg = [-90, -90, 0]
left_leg = [-90, -90, 0]
anchor = "right_heel"

[figure.shoulder_squeeze.end]
torso = 90
head = 90
right_arm = [-110, -60]
left_arm = [-110, -60]
right_leg = [-90, -90, 0]
left_leg = [-90, -90, 0]
anchor = "right_heel"
"""

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _write_own(folder: Path, figure_text: str = "", *, ids=("shoulder_squeeze",)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(OWN_EXERCISE.format(id=i, name=i.replace("_", " ").title()) for i in ids)
    path = folder / "my_exercises.toml"
    path.write_text(text + figure_text, encoding="utf-8")
    return path


def test_own_exercise_with_poses(data_dir: Path) -> None:
    path = _write_own(data_dir, OWN_POSES)
    catalog = load_catalog(user_path=path)
    figures = load_figures(user_path=path)
    assert figures["shoulder_squeeze"].source == "user"
    svg = exercise_svg(catalog["shoulder_squeeze"], phase="move", figures=figures)
    assert 'type="rotate"' in svg and "backcare-figure-placeholder" not in svg
    body = figures["shoulder_squeeze"].body("start")
    assert body.lowest() == pytest.approx(0, abs=TOL)


def test_own_exercise_with_an_image(data_dir: Path) -> None:
    (data_dir).mkdir(parents=True, exist_ok=True)
    (data_dir / "squeeze.png").write_bytes(PNG)
    path = _write_own(data_dir, '\n[figure.shoulder_squeeze]\nimage = "squeeze.png"\n')
    catalog = load_catalog(user_path=path)
    figures = load_figures(user_path=path)
    svg = exercise_svg(catalog["shoulder_squeeze"], phase="start", size=90, figures=figures)
    assert "backcare-figure-image" in svg and "data:image/png;base64," in svg
    assert 'width="90"' in svg


def test_own_exercise_without_a_picture_shows_the_placeholder(data_dir: Path) -> None:
    path = _write_own(data_dir)
    catalog = load_catalog(user_path=path)
    figures = load_figures(user_path=path)
    assert "shoulder_squeeze" not in figures
    svg = exercise_svg(catalog["shoulder_squeeze"], figures=figures)
    assert "backcare-figure-placeholder" in svg
    assert svg == placeholder_svg(160, label="Shoulder Squeeze: no picture yet")


@pytest.mark.parametrize(
    ("figure_text", "message"),
    [
        ('\n[figure.shoulder_squeeze]\nimage = "../secret.png"\n', "plain file name"),
        ('\n[figure.shoulder_squeeze]\nimage = "missing.png"\n', "is not in"),
        ('\n[figure.shoulder_squeeze]\nimage = "notes.svg"\n', "PNG, JPEG"),
        ('\n[figure.shoulder_squeeze]\nview = "top"\n', "'view'"),
        ('\n[figure.shoulder_squeeze]\nview = "side"\n', "give a start and an end pose"),
        (
            OWN_POSES.replace(
                "torso = 90\nhead = 90\nright_arm = [-110",
                'torso = "up"\nhead = 90\nright_arm = [-110',
            ),
            "field 'torso'",
        ),
        (OWN_POSES.replace('anchor = "right_heel"', 'anchor = "tail"'), "'tail'"),
        (
            OWN_POSES.replace('view = "side"', 'view = "side"\nprops = [{ kind = "trampoline" }]'),
            "trampoline",
        ),
        ("\n[figure.prone_cobra]\nimage = 'x.png'\n", "already has its drawing"),
    ],
)
def test_bad_figure_tables_are_named(data_dir: Path, figure_text: str, message: str) -> None:
    (data_dir / "x.png").parent.mkdir(parents=True, exist_ok=True)
    (data_dir / "x.png").write_bytes(PNG)
    path = _write_own(data_dir, figure_text)
    with pytest.raises(FigureError) as caught:
        load_figures(user_path=path)
    text = str(caught.value)
    assert message in text and str(path) in text


def test_huge_numbers_are_refused(data_dir: Path) -> None:
    huge = OWN_POSES.replace(
        'anchor = "right_heel"', 'anchor = "right_heel"\nanchor_at = [1e308, 0]'
    )
    path = _write_own(data_dir, huge)
    with pytest.raises(FigureError, match="out of range"):
        load_figures(user_path=path)


def test_image_removed_after_loading_shows_the_placeholder(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "squeeze.png").write_bytes(PNG)
    path = _write_own(data_dir, '\n[figure.shoulder_squeeze]\nimage = "squeeze.png"\n')
    catalog, figures = load_catalog(user_path=path), load_figures(user_path=path)
    (data_dir / "squeeze.png").unlink()
    svg = exercise_svg(catalog["shoulder_squeeze"], figures=figures)
    assert "backcare-figure-placeholder" in svg and "picture file missing" in svg


def test_big_image_is_refused(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "huge.png").write_bytes(PNG + b"\0" * 2_000_001)
    path = _write_own(data_dir, '\n[figure.shoulder_squeeze]\nimage = "huge.png"\n')
    with pytest.raises(FigureError, match="larger than 2 MB"):
        load_figures(user_path=path)


def test_target_colour_stays_distinct_in_black_and_white() -> None:
    """Printed in grey, the target region must differ from the body, the far limbs and paper."""
    from backcare.figures.svg import FAR, INK, TARGET

    def grey(colour: str) -> float:  # ITU-R BT.601 luma, as printers convert colour to grey
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    for other in (INK, FAR, "#ffffff"):
        assert abs(grey(TARGET) - grey(other)) >= 35, other
