# BiGLM for Hugging Face transformers: a PyTorch port of biglm's TensorFlow.js encoder (model/biglm.ts,
# model/ops.ts, model/batch.ts), shipped next to the weights that `biglm export-model --format hf` writes and
# loaded with `trust_remote_code=True`:
#
#     from transformers import AutoModelForMaskedLM
#     model = AutoModelForMaskedLM.from_pretrained("exports/tiny", trust_remote_code=True)
#     logits = model(input_ids, segment_ids=segment_ids, roles=roles).logits   # [B, T, V]
#
# The layers, their order and every constant follow the TypeScript model, so the same weights give the same
# logits (checked by biglm's tests to 1e-4). Reads top to bottom: config, norms, rotary embeddings, the
# prefix-LM mask, attention, feed-forward, block, encoder, MLM and length heads.

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn
from transformers import PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import BaseModelOutput, MaskedLMOutput

ROLE_PAD, ROLE_SOURCE, ROLE_TARGET = 0, 1, 2
IGNORE_LABEL = -100
# Additive bias of a forbidden (query, key) pair, as in model/batch.ts: exp() underflows to exactly 0.
NEG = -1e9


class BiGLMConfig(PretrainedConfig):
    model_type = "biglm"

    def __init__(
        self,
        vocab_size: int = 128,  # rows of the embedding table (base vocabulary + [MASK] [BOS] [PAD], padded)
        hidden_size: int = 256,  # dModel
        num_hidden_layers: int = 4,
        num_attention_heads: int = 4,
        intermediate_size: int = 640,  # SwiGLU inner width
        rotary_dims: int = 16,  # dimensions of each head that get rotary embeddings (even, ≤ head size)
        rotary_base: float = 10000.0,
        norm: str = "layernorm",  # or "rmsnorm"
        norm_eps: float = 1e-5,
        max_position_embeddings: int = 128,  # longest sequence trained on
        length_classes: int = 0,  # target-length classes of the length head (0: none)
        initializer_range: float = 0.02,
        mask_token_id: Optional[int] = None,
        bos_token_id: Optional[int] = None,
        eos_token_id: Optional[int] = None,
        pad_token_id: Optional[int] = None,
        **kwargs,
    ):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.rotary_dims = rotary_dims
        self.rotary_base = rotary_base
        self.norm = norm
        self.norm_eps = norm_eps
        self.max_position_embeddings = max_position_embeddings
        self.length_classes = length_classes
        self.initializer_range = initializer_range
        self.mask_token_id = mask_token_id
        # The MLM head multiplies by the embedding matrix itself; there is no separate output layer to tie.
        kwargs["tie_word_embeddings"] = False
        super().__init__(bos_token_id=bos_token_id, eos_token_id=eos_token_id, pad_token_id=pad_token_id, **kwargs)


class Norm(nn.Module):
    """LayerNorm (weight and bias) or RMSNorm (weight only) over the last axis, as ops.ts `norm`."""

    def __init__(self, kind: str, size: int, eps: float):
        super().__init__()
        self.kind, self.eps = kind, eps
        self.weight = nn.Parameter(torch.ones(size))
        self.bias = nn.Parameter(torch.zeros(size)) if kind == "layernorm" else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.kind == "rmsnorm":
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight
        return F.layer_norm(x, (x.shape[-1],), self.weight, self.bias, self.eps)


def rotary_tables(T: int, r: int, base: float, device) -> tuple[torch.Tensor, torch.Tensor]:
    """cos, sin [T, 1, r]: NeoX layout, the two halves of the rotated dimensions pair up (ops.ts `rotaryTables`)."""
    half = r // 2
    t = torch.arange(T, dtype=torch.float64)[:, None]  # [T, 1]
    inv = base ** (-(2 * torch.arange(half, dtype=torch.float64)) / r)  # [half]
    angle = torch.cat([t * inv, t * inv], dim=-1)  # [T, r], computed in double as in JavaScript
    return angle.cos().float()[:, None, :].to(device), angle.sin().float()[:, None, :].to(device)


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, r: int) -> torch.Tensor:
    """x [B, T, H, D]: the first r dimensions rotated, the rest passed through."""
    if r == 0:
        return x
    xr, rest = x[..., :r], x[..., r:]
    x1, x2 = xr[..., : r // 2], xr[..., r // 2 :]
    rotated = torch.cat([-x2, x1], dim=-1)  # rotate-half
    return torch.cat([xr * cos + rotated * sin, rest], dim=-1)


def prefix_lm_mask(segment_ids: torch.Tensor, roles: torch.Tensor) -> torch.Tensor:
    """
    allowed [B, T, T]: may token i attend to token j? Same non-pad segment, and i is a target token (it sees
    its whole segment) or j is a source token (source sees only source). model/batch.ts `allowed`.
    """
    si, sj = segment_ids[:, :, None], segment_ids[:, None, :]
    ri, rj = roles[:, :, None], roles[:, None, :]
    same = (si == sj) & (si != 0) & (ri != ROLE_PAD) & (rj != ROLE_PAD)
    return same & ((ri == ROLE_TARGET) | (rj == ROLE_SOURCE))


class Attention(nn.Module):
    def __init__(self, c: BiGLMConfig):
        super().__init__()
        C = c.hidden_size
        self.H, self.D, self.r = c.num_attention_heads, C // c.num_attention_heads, c.rotary_dims
        self.q, self.k, self.v, self.o = (nn.Linear(C, C, bias=False) for _ in range(4))

    def forward(self, x, bias, row_valid, cos, sin):
        B, T, C = x.shape
        proj = lambda lin: lin(x).view(B, T, self.H, self.D)  # [B, T, H, D]
        q = apply_rotary(proj(self.q), cos, sin, self.r) * (1 / math.sqrt(self.D))
        k = apply_rotary(proj(self.k), cos, sin, self.r)
        v = proj(self.v)
        scores = q.transpose(1, 2) @ k.transpose(1, 2).transpose(-1, -2)  # [B, H, T, T]
        probs = torch.softmax(scores + bias, dim=-1)
        ctx = (probs @ v.transpose(1, 2)).transpose(1, 2).reshape(B, T, C)  # [B, T, C]
        # A token that may attend to nothing (padding) got a uniform softmax over forbidden keys: zero it.
        return self.o(ctx * row_valid)


class MLP(nn.Module):
    """SwiGLU: down(silu(x·gate) ⊙ x·up)."""

    def __init__(self, c: BiGLMConfig):
        super().__init__()
        C, Fw = c.hidden_size, c.intermediate_size
        self.gate, self.up = nn.Linear(C, Fw, bias=False), nn.Linear(C, Fw, bias=False)
        self.down = nn.Linear(Fw, C, bias=False)

    def forward(self, x):
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Block(nn.Module):
    """Pre-norm transformer block."""

    def __init__(self, c: BiGLMConfig):
        super().__init__()
        self.attn_norm = Norm(c.norm, c.hidden_size, c.norm_eps)
        self.attn = Attention(c)
        self.mlp_norm = Norm(c.norm, c.hidden_size, c.norm_eps)
        self.mlp = MLP(c)

    def forward(self, x, bias, row_valid, cos, sin):
        x = x + self.attn(self.attn_norm(x), bias, row_valid, cos, sin)
        return x + self.mlp(self.mlp_norm(x))


class BiGLMPreTrainedModel(PreTrainedModel):
    config_class = BiGLMConfig
    base_model_prefix = "biglm"

    @torch.no_grad()
    def _init_weights(self, module):
        # Only for weights a checkpoint lacks (biglm's exports hold them all): the trainer's init, roughly.
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.normal_(0.0, self.config.initializer_range)
            if getattr(module, "bias", None) is not None:
                module.bias.zero_()
        elif isinstance(module, Norm):
            module.weight.fill_(1.0)
            if module.bias is not None:
                module.bias.zero_()
        elif isinstance(module, MLMHead):
            module.bias.zero_()


def default_segments(input_ids, attention_mask, segment_ids, roles):
    """Without segment ids and roles, every non-padding token is one source segment: plain bidirectional attention."""
    if segment_ids is None:
        segment_ids = torch.ones_like(input_ids) if attention_mask is None else (attention_mask != 0).long()
    if roles is None:
        roles = torch.where(segment_ids != 0, ROLE_SOURCE, ROLE_PAD)
    return segment_ids, roles


class BiGLMModel(BiGLMPreTrainedModel):
    """The encoder: embeddings, pre-norm blocks, final norm → hidden states [B, T, C]."""

    def __init__(self, config: BiGLMConfig):
        super().__init__(config)
        self.embed = nn.Embedding(config.vocab_size, config.hidden_size)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.num_hidden_layers))
        self.norm_f = Norm(config.norm, config.hidden_size, config.norm_eps)
        self.post_init()

    def get_input_embeddings(self):
        return self.embed

    def set_input_embeddings(self, value):
        self.embed = value

    def forward(self, input_ids, segment_ids=None, roles=None, attention_mask=None, return_dict=None, **kwargs):
        B, T = input_ids.shape
        if T > self.config.max_position_embeddings:
            raise ValueError(f"sequence length {T} exceeds max_position_embeddings {self.config.max_position_embeddings}")
        segment_ids, roles = default_segments(input_ids, attention_mask, segment_ids, roles)
        allowed = prefix_lm_mask(segment_ids, roles)  # [B, T, T]
        x = self.embed(input_ids)
        bias = torch.where(allowed, 0.0, NEG).to(x.dtype)[:, None]  # [B, 1, T, T]
        row_valid = allowed.any(-1, keepdim=True).to(x.dtype)  # [B, T, 1]
        cos, sin = rotary_tables(T, self.config.rotary_dims, self.config.rotary_base, x.device)
        for block in self.blocks:
            x = block(x, bias, row_valid, cos, sin)
        return BaseModelOutput(last_hidden_state=self.norm_f(x))


class MLMHead(nn.Module):
    """dense, GeLU (tanh), norm, then the embedding matrix transposed plus a bias."""

    def __init__(self, c: BiGLMConfig):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.norm = Norm(c.norm, c.hidden_size, c.norm_eps)
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))

    def forward(self, h, embed_weight):
        z = self.norm(F.gelu(self.dense(h), approximate="tanh"))
        return z @ embed_weight.T + self.bias


class BiGLMForMaskedLM(BiGLMPreTrainedModel):
    def __init__(self, config: BiGLMConfig):
        super().__init__(config)
        self.biglm = BiGLMModel(config)
        self.mlm_head = MLMHead(config)
        self.length_head = nn.Linear(config.hidden_size, config.length_classes) if config.length_classes > 0 else None
        self.post_init()

    def forward(self, input_ids, segment_ids=None, roles=None, attention_mask=None, labels=None, return_dict=None, **kwargs):
        h = self.biglm(input_ids, segment_ids=segment_ids, roles=roles, attention_mask=attention_mask).last_hidden_state
        logits = self.mlm_head(h, self.biglm.embed.weight)  # [B, T, V]
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=IGNORE_LABEL)
        return MaskedLMOutput(loss=loss, logits=logits, hidden_states=(h,))

    def length_logits(self, hidden: torch.Tensor, segment_ids: torch.Tensor, roles: torch.Tensor) -> torch.Tensor:
        """
        The length head: mean of each segment's source hidden states → logits [B, S, length_classes] for
        segments 1..S (S = the largest segment id); a segment without source tokens gives the head's bias.
        """
        if self.length_head is None:
            raise ValueError("this model has no length head (length_classes = 0)")
        S = int(segment_ids.max())
        onehot = F.one_hot(segment_ids, S + 1)[..., 1:].to(hidden.dtype) * (roles == ROLE_SOURCE)[..., None]  # [B, T, S]
        pooled = onehot.transpose(1, 2) @ hidden / onehot.sum(1)[..., None].clamp(min=1)  # [B, S, C]
        return self.length_head(pooled)


__all__ = ["BiGLMConfig", "BiGLMModel", "BiGLMForMaskedLM"]
