"""Our DeepseekV4Attention against transformers' (fixture made by training/transformers_fixture.py on the GPU
machine). Skipped when the fixture is absent; point GLIMPSE_HF_FIXTURE at it."""
import json
import os

import pytest
import torch

from training.attention import DeepseekV4Attention
from training.config import LMConfig
from training.model import LanguageModel
from training.safetensors_io import load_file

PATH = os.environ.get("GLIMPSE_HF_FIXTURE", os.path.join(os.path.dirname(__file__), "fixtures",
                                                         "hf_attention.safetensors"))


@pytest.mark.skipif(not os.path.exists(PATH), reason="no transformers fixture (run training/transformers_fixture.py)")
def test_matches_transformers():
    tensors, meta = load_file(PATH)
    for name in meta["configs"].split(","):
        d = json.loads(meta[f"{name}.lm_config"])
        d["layer_types"] = tuple(d["layer_types"])
        cfg = LMConfig(**d, intermediate_size=32, vocab_size=1088)
        lm = LanguageModel(cfg)
        for i, lt in enumerate(cfg.layer_types):
            pre = f"{name}.layer{i}"
            att = DeepseekV4Attention(cfg, lt).eval()
            sd = {k[len(pre) + 3:]: v for k, v in tensors.items() if k.startswith(pre + ".w.")}
            att.load_state_dict(sd, strict=True)
            x = tensors[f"{pre}.input"]
            span = torch.full((1, x.shape[0]), -1)
            with torch.no_grad():
                got = att(x[None], lm.attn_inputs(span))[0]
            for ref in ("prefill", "cached"):
                want = tensors[f"{pre}.{ref}"]
                err = ((got - want).abs().max() / want.abs().max()).item()
                assert err < 1e-4, f"{pre} {lt} vs transformers {ref}: rel err {err:.2e}"
