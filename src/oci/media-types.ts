/** Manifest media types ECR stores, index types first. */
export const MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** An image index (several platforms or attestations) rather than one image manifest. */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES[0] || mediaType === MEDIA_TYPES[1];
}
