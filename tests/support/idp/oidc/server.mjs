// A real OpenID Provider for the AiXplore tests: panva's oidc-provider on a loopback port.
//
// Environment: PORT, CLIENTS (JSON list of {client_id, client_secret, redirect_uris}),
// ACCOUNTS (JSON object: login -> {email, name, groups, email_verified?}; email_verified is
// true unless given, and left out when null). The built-in development
// interactions give a login form (any password; the login must be a known account) and a
// consent form. PKCE (S256) is required of every client. Prints "READY <issuer>" when up.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS || '[]').map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
  ...c,
}));
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = {
          sub: id,
          email: account.email,
          email_verified: 'email_verified' in account ? account.email_verified : true,
          name: account.name,
          groups: account.groups || [],
        };
        if (claims.email_verified === null) delete claims.email_verified;
        return claims;
      },
    };
  },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AuthorizationCode: 60, IdToken: 300, AccessToken: 300 },
  cookies: { keys: ['aixplore-test-op-cookie-key'] },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
