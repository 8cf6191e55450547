import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * GitHub secret scanning's request signature (partner program): `Github-Public-Key-Signature` is the
 * base64 of an ASN.1 DER ECDSA signature (P-256, SHA-256) over the exact request body bytes, made with
 * the private half of the public key `Github-Public-Key-Identifier` names. Pure: no I/O.
 */
export function verifyGithubSignature(
  rawBody: Buffer,
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  const signature = decodeBase64(signatureBase64);
  if (!signature || !rawBody.length) return false;
  try {
    return verify(
      'sha256',
      rawBody,
      { key: publicKey, dsaEncoding: 'der' },
      signature,
    );
  } catch {
    // A malformed DER signature or a key of another type: not a valid signature.
    return false;
  }
}

/** Strict base64 (standard alphabet, padding optional); undefined for anything else. */
function decodeBase64(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (
    !trimmed ||
    trimmed.length > 1024 ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)
  )
    return undefined;
  return Buffer.from(trimmed, 'base64');
}

/** A PEM public key (SPKI) as given by GitHub's key list or in config; undefined when it does not parse. */
export function parsePublicKey(pem: string): KeyObject | undefined {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ec' ? key : undefined;
  } catch {
    return undefined;
  }
}
