"""The authors' release, pinned: where it lives and the SHA-256 of every file a loader may need.

The checksums are facts about the release at the pinned commit (the raw files are byte-stable),
copied from ``replication.sha256`` that accompanies the local copy. A download is verified
against them file by file before anything lands in the cache, and every local copy is verified
against them when it is loaded (see :mod:`empathy_judge.datasets.release_files`).

Sizes are known for the 30 files of the local copy (:data:`RELEASE_SIZES`); the GPT-4o and
Claude files are absent from it, so their sizes are not known and :data:`MAX_FILE_BYTES` bounds
them instead (15 times the largest known file). A download stops reading a file as soon as
more bytes than these arrive.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

#: GitHub repository of the release (Kumar et al. 2025; Zenodo DOI 10.5281/zenodo.17230987).
RELEASE_REPO = "aakriti1kumar/replication-data-and-code-when-LLMs-reliable-empathic-communication"
#: The pinned commit (2025-09-30).
RELEASE_COMMIT = "713458108e28897fccf136a6337296b5199cb617"
RELEASE_DOI = "10.5281/zenodo.17230987"
#: Environment variable that overrides the base URL files are fetched from (tests, mirrors).
RELEASE_URL_ENV = "EMPATHY_JUDGE_RELEASE_URL"
DEFAULT_BASE_URL = f"https://raw.githubusercontent.com/{RELEASE_REPO}/{RELEASE_COMMIT}"

# Copied from ../shared/data/replication.sha256 (tests check the two agree).
_SHA256: dict[str, str] = {
    "annotations/empatheticdialogues/claude_ratings.csv": (
        "403ed01c78099d47a404d8777cdf30572d2490222274609919b5ce1a943eb8e8"
    ),
    "annotations/empatheticdialogues/crowd_ratings.csv": (
        "5ea7c6df85f58ba3a4a984a6268a3b0a15e62a7d67532350636a058fd1c9d140"
    ),
    "annotations/empatheticdialogues/expert1_ratings.csv": (
        "b663a798555ea6acfb15b045099bc65786bf2dad78d663e6dd685adb0f3cd7b7"
    ),
    "annotations/empatheticdialogues/expert2_ratings.csv": (
        "d5b9a881c5114dcefb44246e611358c48b46072f2575d22d85c69ea25e880b1f"
    ),
    "annotations/empatheticdialogues/expert3_ratings.csv": (
        "71d19cf46c984d6a5e1897f6ed17219ac8885e521af26d9d987be9b9a4e014a2"
    ),
    "annotations/empatheticdialogues/gemini_ratings.csv": (
        "f540d931d9222a0a0ce5633a01eb35843807dabd0cac589bf28f003b183ad68d"
    ),
    "annotations/empatheticdialogues/gpt_ratings.csv": (
        "4af145193396c3e478558f949a3a269522332afa21630577ed499449e1857d63"
    ),
    "annotations/empatheticdialogues/sample_ratings_crowdsourced.csv": (
        "accd09a427c27c73308ab273eaa2dda7daadec45159e572cbcd6807cffda12f0"
    ),
    "annotations/epitome/claude_ratings.csv": (
        "8f2ea70253be4aadac23037e9c5b4e5e5181c865a3afb3037b3c47820c63be68"
    ),
    "annotations/epitome/crowd_ratings.csv": (
        "bf0964979a8f0b19887726e0e915cb91e25a64707bbdd28778c1e6a533e1ad7f"
    ),
    "annotations/epitome/expert1_ratings.csv": (
        "6c2c45535ab85049a590d3be6d3f2054c8537f8d2ce945b6479c7718ebd19d1e"
    ),
    "annotations/epitome/expert2_ratings.csv": (
        "50b3081ac2ecf241a48f9fe073d37a28cb33eda6b0bd0089c710898dc747f76d"
    ),
    "annotations/epitome/expert3_ratings.csv": (
        "ad8c20539b9733c160bb607c9cf2b632e0925f1ee7881d87b24af1b060e3db94"
    ),
    "annotations/epitome/gemini_ratings.csv": (
        "652c302c8d6f893535fc22a06c4a6b4eaff0dd30ef527851136d72f3d53c1f4c"
    ),
    "annotations/epitome/gpt_ratings.csv": (
        "4b44fa5d21b73723d94b0c760f08fdb04ce71de9799ba7aded7e1a6db2aa9766"
    ),
    "annotations/epitome/sample_ratings_crowdsourced.csv": (
        "532b2fc529c442e4a2721b52ebbf2df5a60e7b6d03dc890df6dd92b82e238810"
    ),
    "annotations/lend_an_ear/claude_ratings.csv": (
        "c55d057247b8e9db2382f15c8967861cada46dd560ef6381939e75dd541639fc"
    ),
    "annotations/lend_an_ear/crowd_ratings.csv": (
        "9c8a9ac8529566031519698a7a9d2a779dd4f3c6553950f5d8a71cb5de478f0f"
    ),
    "annotations/lend_an_ear/expert1_ratings.csv": (
        "0da286141c6e72e44f17d703b958392ed826292ef05412ff6f31c266b42cb5df"
    ),
    "annotations/lend_an_ear/expert2_ratings.csv": (
        "b42757d7ef091ba6abbc40ba7f2930f02803b7ece0c6c2307b18bf98abbec0cd"
    ),
    "annotations/lend_an_ear/expert3_ratings.csv": (
        "720e1186ced98119d929871a27205626070009bdbf215d40ace1599e2210e477"
    ),
    "annotations/lend_an_ear/gemini_ratings.csv": (
        "dae7d13ad77650ec430519bef5222512823ecde7d4a073b108099b77752de849"
    ),
    "annotations/lend_an_ear/gpt_ratings.csv": (
        "2d485df8f8c3e1877c1a5aee14500c4f27855c244eef112415c1da26212d5063"
    ),
    "annotations/lend_an_ear/sample_ratings_crowdsourced.csv": (
        "9c8a9ac8529566031519698a7a9d2a779dd4f3c6553950f5d8a71cb5de478f0f"
    ),
    "annotations/perceived_empathy/claude_ratings.csv": (
        "35a06ef4de74627289303220d436463f9cf57fc931308aa033720d7a9b7e66c7"
    ),
    "annotations/perceived_empathy/crowd_ratings.csv": (
        "1e08aeb9f4df6a783e8a93f57092fc354b9beeed12ca9b803492a6621752bbd0"
    ),
    "annotations/perceived_empathy/expert1_ratings.csv": (
        "cde7924042a198aae14d1b94683a6223f513e7c1e2b4f9673b682b381b23923c"
    ),
    "annotations/perceived_empathy/expert2_ratings.csv": (
        "e94c5acce6ccffeb2461ddef0fd1af00f99ed3cefeb07f10c5b6a5264da9e51d"
    ),
    "annotations/perceived_empathy/expert3_ratings.csv": (
        "e70f94b7c50b027594b2326f6e0c8c8cd405b2515ad5ff0f1b8409363a141a6d"
    ),
    "annotations/perceived_empathy/gemini_ratings.csv": (
        "317fd7218e4ccd848c91ca986fdae14886c185d8a025b10389c43af4bae07883"
    ),
    "annotations/perceived_empathy/gpt_ratings.csv": (
        "c6e1d15d30597f48d015a138e03bcacd75a45921eceede0c140865b223f04037"
    ),
    "annotations/perceived_empathy/sample_ratings_crowdsourced.csv": (
        "510b53a245f41357a2d523c6cf73df7051fe67222fd680558be882e369ba2bf0"
    ),
    "original_data/perceived_empathy_self_ratings.csv": (
        "412c1c171dc3ed609a2908f9da63438a87cf824a8eb7d0d318e6bdef0ce0083e"
    ),
    "original_data/sample_empatheticdialogues.csv": (
        "155e30ed8d73b9960c08f554d54e6970369a8f0cfbbd46377bac933a564b08f3"
    ),
    "original_data/sample_epitome.csv": (
        "e3cde1dbbdd48630446490e76a81049fd720c5ddbdea004d66e51e4c72e0ae52"
    ),
    "original_data/sample_lend_an_ear_annotations.csv": (
        "f64ce3bf76c9d8b07e3903d9b95869657860208f11104e1bf6616bb603527da0"
    ),
    "original_data/sample_lend_an_ear_conversations.csv": (
        "022f644dead78e65c2672360aac9ab83d976a60c2a2695be7193a4d1042d6bf4"
    ),
    "original_data/sample_perceived_empathy_annotations.csv": (
        "76012908b1639e9ceb155eb740fe967e9bc0195813bc4b2f976dfe9c69515fbf"
    ),
}


#: Release-relative path -> SHA-256 (hex) of every data file a loader may read.
RELEASE_CHECKSUMS: Mapping[str, str] = MappingProxyType(_SHA256)

#: Files a download may lack: the GPT-4o and Claude annotations are optional everywhere, so a
#: 404 for one of them means "not published", not a failure.
OPTIONAL_FILES: frozenset[str] = frozenset(
    path for path in RELEASE_CHECKSUMS if path.endswith(("/gpt_ratings.csv", "/claude_ratings.csv"))
)


# Measured on the local copy (tests check that it agrees).
_SIZES: dict[str, int] = {
    "annotations/empatheticdialogues/crowd_ratings.csv": 1614,
    "annotations/empatheticdialogues/expert1_ratings.csv": 1414,
    "annotations/empatheticdialogues/expert2_ratings.csv": 1314,
    "annotations/empatheticdialogues/expert3_ratings.csv": 1363,
    "annotations/empatheticdialogues/gemini_ratings.csv": 23365,
    "annotations/empatheticdialogues/sample_ratings_crowdsourced.csv": 1777,
    "annotations/epitome/crowd_ratings.csv": 1129,
    "annotations/epitome/expert1_ratings.csv": 1129,
    "annotations/epitome/expert2_ratings.csv": 1129,
    "annotations/epitome/expert3_ratings.csv": 1178,
    "annotations/epitome/gemini_ratings.csv": 23763,
    "annotations/epitome/sample_ratings_crowdsourced.csv": 1291,
    "annotations/lend_an_ear/crowd_ratings.csv": 3506,
    "annotations/lend_an_ear/expert1_ratings.csv": 1786,
    "annotations/lend_an_ear/expert2_ratings.csv": 1786,
    "annotations/lend_an_ear/expert3_ratings.csv": 1835,
    "annotations/lend_an_ear/gemini_ratings.csv": 117431,
    "annotations/lend_an_ear/sample_ratings_crowdsourced.csv": 3506,
    "annotations/perceived_empathy/crowd_ratings.csv": 5349,
    "annotations/perceived_empathy/expert1_ratings.csv": 2255,
    "annotations/perceived_empathy/expert2_ratings.csv": 2255,
    "annotations/perceived_empathy/expert3_ratings.csv": 2304,
    "annotations/perceived_empathy/gemini_ratings.csv": 2304,
    "annotations/perceived_empathy/sample_ratings_crowdsourced.csv": 5523,
    "original_data/perceived_empathy_self_ratings.csv": 154618,
    "original_data/sample_empatheticdialogues.csv": 143439,
    "original_data/sample_epitome.csv": 30919,
    "original_data/sample_lend_an_ear_annotations.csv": 557682,
    "original_data/sample_lend_an_ear_conversations.csv": 110066,
    "original_data/sample_perceived_empathy_annotations.csv": 5540,
}

#: Release-relative path -> size in bytes, for every file whose size is known.
RELEASE_SIZES: Mapping[str, int] = MappingProxyType(_SIZES)

#: Upper bound on any release file, for files whose size is not known (the largest known file,
#: ``original_data/sample_lend_an_ear_annotations.csv``, has 557,682 bytes).
MAX_FILE_BYTES = 8 * 1024 * 1024

_CHUNK = 64 * 1024


def sha256_file(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def base_url(override: str | None = None) -> str:
    """The base URL release files are fetched from.

    Args:
        override: An explicit base URL; wins over the environment.

    Returns:
        ``override``, else ``$EMPATHY_JUDGE_RELEASE_URL``, else the raw GitHub URL at the pinned
        commit; without a trailing slash.
    """
    chosen = override or os.environ.get(RELEASE_URL_ENV) or DEFAULT_BASE_URL
    return chosen.rstrip("/")


def file_url(path: str, base: str | None = None) -> str:
    """The URL of one release file (``path`` relative to the release root)."""
    return f"{base_url(base)}/{path}"
