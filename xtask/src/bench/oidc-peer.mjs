// G13's peer: node oidc-provider configured as the portal's identity
// provider is for the app: one public client `hoso-app` (no client secret),
// PKCE S256 required, ID tokens signed ES256 with a P-256 key, opaque access
// tokens, refresh tokens for `offline_access`, codes valid ten minutes.
// Its storage is a plain in-memory Map (its bundled MemoryAdapter is an LRU
// of 1,000 entries, which would evict the codes a round needs); the portal
// keeps its codes, grants and tokens in SQLite, so the storage favours the peer.
// Codes are minted untimed through a second port: POST /mint?n=N answers
// {"codes": [...]} for the account `citizen`, each redeemable with the
// verifier VERIFIER below. Prints {"url", "mint"} once listening.
// Usage: node oidc-peer.mjs CHALLENGE
import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const REDIRECT = 'http://127.0.0.1:49152/callback';
const challenge = process.argv[2];
const store = new Map();

class MapAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload) { store.set(this.key(id), payload); }
  async find(id) { return store.get(this.key(id)); }
  async findByUid() { return undefined; }
  async findByUserCode() { return undefined; }
  async consume(id) { store.get(this.key(id)).consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId() {}
}

const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench' };
const provider = new Provider('http://127.0.0.1', {
  adapter: MapAdapter,
  clients: [{
    client_id: 'hoso-app',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
  }],
  jwks: { keys: [jwk] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'offline_access'],
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  ttl: { AccessToken: 300, AuthorizationCode: 600, IdToken: 300, RefreshToken: 30 * 86400, Grant: 30 * 86400 },
  features: { devInteractions: { enabled: false } },
});

const client = await provider.Client.find('hoso-app');
const grant = new provider.Grant({ accountId: 'citizen', clientId: 'hoso-app' });
grant.addOIDCScope('openid profile offline_access');
const grantId = await grant.save();

async function mint(n) {
  const codes = [];
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < n; i++) {
    const code = new provider.AuthorizationCode({
      accountId: 'citizen', grantId, client, scope: 'openid profile offline_access', redirectUri: REDIRECT,
      codeChallenge: challenge, codeChallengeMethod: 'S256', nonce: 'n', authTime: now, amr: ['pwd', 'otp', 'mfa'],
    });
    codes.push(await code.save());
  }
  return codes;
}

const server = http.createServer(provider.callback()).listen(0, '127.0.0.1', () => {
  const minter = http.createServer(async (req, res) => {
    const n = Number(new URL(req.url, 'http://x').searchParams.get('n') || '1');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ codes: await mint(n) }));
  }).listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({
      url: `http://127.0.0.1:${server.address().port}`, mint: `http://127.0.0.1:${minter.address().port}/mint`,
    }));
  });
});
