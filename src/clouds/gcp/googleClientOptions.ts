/**
 * Options for a @google-cloud client over REST (fallback), at another endpoint when one is given
 * (GCP_CLOUDBILLING_ENDPOINT, e.g. http://127.0.0.1:8085 in tests).
 */
export function googleRestOptions(endpoint: string | undefined): {
  fallback: true;
  apiEndpoint?: string;
  port?: number;
  protocol?: string;
} {
  if (!endpoint) return { fallback: true };
  const url = new URL(endpoint);
  return {
    fallback: true,
    apiEndpoint: url.hostname,
    port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)),
    protocol: url.protocol.replace(':', ''),
  };
}
