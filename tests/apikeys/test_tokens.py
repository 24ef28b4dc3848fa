from __future__ import annotations

import string

from apikeys import tokens


def test_a_new_key_has_the_prefix_random_part_and_checksum() -> None:
    key = tokens.generate()
    assert key.startswith("pbk_")
    assert len(key) == tokens.KEY_LENGTH == 40
    assert set(key[4:]) <= set(string.ascii_letters + string.digits)
    assert tokens.well_formed(key)


def test_two_keys_differ() -> None:
    assert len({tokens.generate() for _ in range(200)}) == 200


def test_a_typo_fails_the_checksum_without_any_lookup() -> None:
    key = tokens.generate()
    swapped = "A" if key[10] != "A" else "B"
    assert not tokens.well_formed(key[:10] + swapped + key[11:])


def test_the_checksum_covers_the_prefix_and_rejects_other_shapes() -> None:
    key = tokens.generate()
    assert not tokens.well_formed("pbx_" + key[4:])
    assert not tokens.well_formed(key + "0")
    assert not tokens.well_formed(key[:-1])
    assert not tokens.well_formed("pbk_" + "!" * 36)
    assert not tokens.well_formed("")


def test_only_a_sha256_digest_and_display_parts_are_derived() -> None:
    key = tokens.generate()
    assert len(tokens.digest(key)) == 64
    assert tokens.digest(key) == tokens.digest(key)
    assert tokens.display_prefix(key) == key[:8]
