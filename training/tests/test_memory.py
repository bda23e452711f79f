"""Memory queries ("where was <target> last seen"): which frame and box answer them, when a target is unusable,
and that the scorer counts the frame and the box."""
import random

from training import tokenizer as tok
from training.data import Frame
from training.evaluate import score
from training.samples import Example, Visibility, sample_memory_query

W = H = 756


def obj(i, cls, col, box, px=5000):
    return {"id": i, "class": cls, "color": col, "box": box, "point": [(box[0] + box[2]) // 2, (box[1] + box[3]) // 2],
            "occlusion": 0.0, "visible_px": px}


def frames(*objects_per_frame):
    return [Frame(1, k + 1, list(objs), None) for k, objs in enumerate(objects_per_frame)]


def draws(ctx, tags, n=400):
    rng = random.Random(5)
    return [sample_memory_query(ctx, tags, rng, Visibility(), W, H) for _ in range(n)]


def test_the_last_frame_that_shows_the_target_answers():
    ball = obj(1, "ball", "red", [100, 100, 160, 160])
    ball_later = obj(1, "ball", "red", [300, 120, 360, 180])
    cone = obj(2, "cone", "blue", [500, 400, 540, 480])
    ctx = frames([ball, cone], [ball_later, cone], [cone])               # the ball left before the latest frame
    tags = [998, 999, 0]
    qs = {q.target: q for q in draws(ctx, tags)}
    q = qs["red ball"]
    assert (q.task, q.frame_tag, q.frame_back) == ("memory", 999, 1)
    assert q.items == [[tok.coord(300, W), tok.coord(120, H), tok.coord(360, W), tok.coord(180, H)]]
    assert tok.detokenize(q.answer() + [tok.EOS], latest_frame_tag=0).startswith("<|ref|>red ball<|/ref|><|frame|>-1<|/frame|>")
    assert qs["blue cone"].frame_back == 0 and qs["blue cone"].frame_tag == 0
    never = [q for q in qs.values() if q.frame_back is None]
    assert never and all(q.items == [] and q.gt == [] for q in never)
    assert qs["ball"].frame_back == 1 and qs["cone"].frame_back == 0
    kinds = {("never" if q.frame_back is None else "latest" if q.frame_back == 0 else "earlier") for q in draws(ctx, tags)}
    assert kinds == {"never", "latest", "earlier"}


def test_ambiguous_targets_are_never_asked():
    a, b = obj(1, "person", "red", [10, 10, 60, 200]), obj(2, "person", "red", [400, 10, 450, 200])
    faint = obj(3, "chair", "green", [600, 600, 610, 610], px=20)            # below the listable threshold
    chair = obj(3, "chair", "green", [600, 600, 680, 700])
    ctx = frames([a, b, chair], [a, b, faint])
    targets = {q.target for q in draws(ctx, [5, 6])}
    assert "red person" not in targets and "person" not in targets           # two in the frame that shows them
    assert "green chair" not in targets and "chair" not in targets           # a barely visible one is later


def test_score_counts_frame_and_box():
    ball = obj(1, "ball", "red", [100, 100, 160, 160])
    ctx = frames([ball], [])
    q = [q for q in draws(ctx, [7, 8]) if q.target == "red ball"][0]
    ex = Example([0, 1], [7, 8], q)
    right = tok.answer_tokens("memory", "red ball", q.items, frame_tag=7) + [tok.EOS]
    wrong_frame = tok.answer_tokens("memory", "red ball", q.items, frame_tag=8) + [tok.EOS]
    wrong_box = tok.answer_tokens("memory", "red ball", [[900, 900, 990, 990]], frame_tag=7) + [tok.EOS]
    m = score([ex, ex, ex], [right, wrong_frame, wrong_box], [(W, H)] * 3)
    assert m["memory_frame_accuracy"] == 2 / 3
    assert m["memory_box_recall"] == 1 / 3
