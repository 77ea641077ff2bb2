// Provider behaviour changed: client secret comparison. oidc-provider compares a presented secret with the
// client's `client_secret` metadata in plaintext; ours are stored only as hashes, so the comparison is
// replaced by the policy provider.ts declares (`acceptsClientSecret`). Relies on: `provider.Client.prototype.
// compareClientSecret(actual)` being the one place client_secret_basic/_post secrets are checked, and
// `this.clientId` on the client (see provider-internals.canary.test.ts).
import type Provider from 'oidc-provider';

export type ClientSecretPolicy = (clientId: string, presented: string) => Promise<boolean>;

export function installClientSecretCheck(provider: Provider, accepts: ClientSecretPolicy): void {
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(actual: string) {
    return accepts(this.clientId, actual);
  };
}
