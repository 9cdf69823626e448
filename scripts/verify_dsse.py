#!/usr/bin/env python3
"""Independent verifier for Proven's attestations, built on other projects' code only.

    verify_dsse.py ENVELOPE PUBKEY [MORE_ENVELOPES...] [--subjects-root DIR]
    verify_dsse.py --bundle BUNDLE PUBKEY [MORE_BUNDLES...] [--subjects-root DIR]

ENVELOPE mode (securesystemslib 1.x): the key id is recomputed here as the SHA-256 of the public
key's DER SubjectPublicKeyInfo, the envelope is parsed by securesystemslib.dsse.Envelope and
verified by Envelope.verify([key], 1), which only accepts a signature whose keyid equals that
recomputed id.

BUNDLE mode (sigstore-python's models): the bundle is parsed by sigstore_models' Bundle, the
strict (extra fields forbidden) pydantic model of the protobuf-specs JSON mapping; the DSSE
envelope is loaded by sigstore.dsse.Envelope (exactly one signature) and its PAE computed by it;
the signature is checked with pyca/cryptography. sigstore.models.Bundle itself is not used: it
only accepts keyless bundles (a certificate and one transparency log entry).

Both modes check the in-toto Statement v1 layout and, with --subjects-root, recompute the SHA-256
and SHA-512 of every evidence subject (subjects annotated as build artifacts are skipped).

Exit status: 0 all verified, 1 any rejected, 2 usage error or missing module.
"""

import argparse
import hashlib
import json
import os
import sys

IN_TOTO = "application/vnd.in-toto+json"
STATEMENT_V1 = "https://in-toto.io/Statement/v1"
BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json"
ROLE = "proven.dev/role"


class Rejected(Exception):
    pass


def load_public_key(path):
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_public_key,
    )

    with open(path, "rb") as f:
        key = load_pem_public_key(f.read())
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise Rejected(f"{path}: curve {key.curve.name} is not P-256")
    elif not isinstance(key, ed25519.Ed25519PublicKey):
        raise Rejected(f"{path}: neither a P-256 nor an Ed25519 key")
    der = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return key, hashlib.sha256(der).hexdigest()


def check_statement(payload, subjects_root):
    try:
        statement = json.loads(payload)
    except ValueError as e:
        raise Rejected(f"payload is not JSON: {e}")
    if statement.get("_type") != STATEMENT_V1:
        raise Rejected(f"_type is {statement.get('_type')!r}")
    if not isinstance(statement.get("predicateType"), str):
        raise Rejected("predicateType is missing")
    if not isinstance(statement.get("predicate"), dict):
        raise Rejected("predicate is not an object")
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not subjects:
        raise Rejected("no subjects")
    checked = 0
    for s in subjects:
        name, digest = s.get("name"), s.get("digest")
        if not isinstance(name, str) or not isinstance(digest, dict) or not digest:
            raise Rejected(f"subject {s!r} lacks a name or a digest")
        for alg in ("sha256", "sha512"):
            value = digest.get(alg)
            if not isinstance(value, str) or len(value) != {"sha256": 64, "sha512": 128}[alg]:
                raise Rejected(f"{name}: {alg} digest missing or malformed")
            int(value, 16)
        if subjects_root is None or s.get("annotations", {}).get(ROLE) == "artifact":
            continue
        path = os.path.join(subjects_root, name)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise Rejected(f"{name}: {e}")
        for alg in ("sha256", "sha512"):
            if hashlib.new(alg, data).hexdigest() != digest[alg]:
                raise Rejected(f"{name}: {alg} differs from the signed digest")
        checked += 1
    return statement, checked


def verify_envelope(envelope_path, pubkey_path, subjects_root):
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    crypto_key, keyid = load_public_key(pubkey_path)
    key = SSlibKey.from_crypto(crypto_key, keyid=keyid)
    with open(envelope_path, "rb") as f:
        envelope = Envelope.from_dict(json.load(f))
    try:
        accepted = envelope.verify([key], 1)
    except Exception as e:  # securesystemslib raises VerificationError
        raise Rejected(f"securesystemslib: {type(e).__name__}: {e}")
    if list(accepted) != [keyid]:
        raise Rejected(f"accepted keys {list(accepted)}, expected {keyid}")
    if envelope.payload_type != IN_TOTO:
        raise Rejected(f"payloadType is {envelope.payload_type!r}")
    statement, checked = check_statement(envelope.payload, subjects_root)
    return (
        f"securesystemslib verified the {key.scheme} signature of keyid {keyid}; "
        f"{statement['predicateType']} statement with {len(statement['subject'])} subjects, "
        f"{checked} re-hashed"
    )


def verify_bundle(bundle_path, pubkey_path, subjects_root):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from sigstore.dsse import Envelope, Statement
    from sigstore.models import Bundle as KeylessBundle
    from sigstore_models.bundle.v1 import Bundle

    crypto_key, keyid = load_public_key(pubkey_path)
    with open(bundle_path, "rb") as f:
        raw = f.read()
    try:
        bundle = Bundle.from_json(raw)
    except Exception as e:  # pydantic ValidationError
        raise Rejected(f"sigstore_models rejects the bundle: {e}")
    if bundle.media_type != BUNDLE_V03:
        raise Rejected(f"mediaType is {bundle.media_type}")
    material = bundle.verification_material
    if material.public_key is None or material.public_key.hint != keyid:
        raise Rejected("verificationMaterial.publicKey.hint is not the key id")
    if material.tlog_entries:
        raise Rejected("unexpected transparency log entries")
    if bundle.dsse_envelope is None:
        raise Rejected("no dsseEnvelope")
    envelope = Envelope(bundle.dsse_envelope)
    if bundle.dsse_envelope.payload_type != IN_TOTO:
        raise Rejected(f"payloadType is {bundle.dsse_envelope.payload_type!r}")
    try:
        if isinstance(crypto_key, ec.EllipticCurvePublicKey):
            crypto_key.verify(envelope.signature, envelope.pae(), ec.ECDSA(hashes.SHA256()))
        else:
            crypto_key.verify(envelope.signature, envelope.pae())
    except InvalidSignature:
        raise Rejected("the bundle's DSSE signature does not verify")
    payload = bundle.dsse_envelope.payload
    try:
        Statement(payload)
    except Exception as e:
        raise Rejected(f"sigstore rejects the statement: {e}")
    statement, checked = check_statement(payload, subjects_root)
    try:
        KeylessBundle.from_json(raw)
        keyless = "sigstore.models.Bundle accepts it"
    except Exception as e:
        keyless = f"sigstore.models.Bundle (keyless only) declines it: {e}"
    return (
        f"sigstore_models parsed the v0.3 bundle, cryptography verified the signature over "
        f"sigstore's PAE with keyid {keyid}; {statement['predicateType']} statement with "
        f"{len(statement['subject'])} subjects, {checked} re-hashed; {keyless}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", action="store_true", help="the file is a Sigstore bundle")
    parser.add_argument("--subjects-root", help="re-hash evidence subjects under this directory")
    parser.add_argument("attestation")
    parser.add_argument("pubkey")
    parser.add_argument("more", nargs="*", help="further attestations, same key")
    args = parser.parse_args()
    check = verify_bundle if args.bundle else verify_envelope
    status = 0
    for path in [args.attestation, *args.more]:
        try:
            print(f"{path}: OK: {check(path, args.pubkey, args.subjects_root)}")
        except ImportError as e:
            print(f"missing module: {e}", file=sys.stderr)
            return 2
        except Rejected as e:
            print(f"{path}: REJECTED: {e}", file=sys.stderr)
            status = 1
        except Exception as e:  # malformed input: whatever the parsers raise
            print(f"{path}: REJECTED: {type(e).__name__}: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
