// tools/idp/server.mjs: the demo's and the tests' OpenID Connect provider.
//
//   node tools/idp/server.mjs --port PORT --issuer http://127.0.0.1:PORT \
//       --redirect-uri http://127.0.0.1:WEB/oidc/callback \
//       --post-logout-uri http://127.0.0.1:WEB/cgi-bin/rathaus.cgi/
//
// A real, certified implementation (the npm package oidc-provider, pinned
// in package.json and package-lock.json; installed by install_idp in
// tools/lib.sh), not an imitation of the protocol. What is ours: the
// demo citizens below, a login page that checks their passwords and
// sets each one's trust level (acr), consent given for the one
// first-party client, and German pages without JavaScript. Listens on
// 127.0.0.1 only; prints "ready" when it does; keys and cookie secrets
// are made at start and live in memory (a restart logs everybody out).
// oidc-provider 8 (not 9): it runs on Node 18.12 or later, Debian 12's
// own nodejs (18.19) included; 9 needs Node 22. Upstream fixes only 9
// now: fine on loopback with demo accounts, not for anything live.
// For a demo and the tests only: a live portal uses the state's
// service account (docs/identity.md).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// The modules: in $IDP_DIR/node_modules (install_idp in tools/lib.sh
// installs them there, outside a possibly read-only source tree), else
// beside this script (npm ci in tools/idp).
const modulesFrom = process.env.IDP_DIR
  ? `${process.env.IDP_DIR.replace(/\/+$/, '')}/`
  : new URL('./', import.meta.url);
const { default: Provider } = await import(
  pathToFileURL(createRequire(modulesFrom).resolve('oidc-provider')).href);

const LOA = 'http://eidas.europa.eu/LoA/';
const CLIENT_ID = 'rathaus-demo';
const CLIENT_SECRET = 'rathaus-demo-secret';

// The demo citizens: login name, password, trust level and claims. The
// same in README.md, tools/demo and docs/identity.md.
const ACCOUNTS = {
  erika: {
    password: 'erika-demo',
    acr: `${LOA}substantial`,
    claims: {
      sub: 'demo-erika-7f3a',
      given_name: 'Erika',
      family_name: 'Mustermann',
      birthdate: '1964-08-12',
      address: {
        street_address: 'Hauptstraße 193',
        postal_code: '26639',
        locality: 'Wiesmoor',
        country: 'DE',
      },
      email: 'erika.mustermann@example.org',
      email_verified: true,
    },
  },
  max: {
    password: 'max-demo',
    acr: `${LOA}low`,
    claims: {
      sub: 'demo-max-2c91',
      given_name: 'Max',
      family_name: 'Mustermann',
      birthdate: '1990-01-31',
      address: {
        street_address: 'Marktstraße 5',
        postal_code: '26639',
        locality: 'Wiesmoor',
        country: 'DE',
      },
      email: 'max.mustermann@example.org',
      // Not confirmed: prefills, stays editable (the basic account).
      email_verified: false,
    },
  },
};

const BY_SUB = new Map(Object.entries(ACCOUNTS).map(([, a]) => [a.claims.sub, a]));

function usage(msg) {
  process.stderr.write(`idp: ${msg}\nusage: node server.mjs --port PORT --issuer URL `
    + '--redirect-uri URL --post-logout-uri URL\n');
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      port: { type: 'string' },
      issuer: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-uri': { type: 'string', multiple: true },
    },
  }));
} catch (e) {
  usage(e.message);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) usage('bad or missing --port');
if (!args.issuer) usage('missing --issuer');
if (!args['redirect-uri']) usage('missing --redirect-uri');
if (!args['post-logout-uri']) usage('missing --post-logout-uri');

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// One page frame for everything the provider shows: German, no script,
// no resource from elsewhere.
function page(title, body) {
  return `<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} – Servicekonto (Demo)</title>
<style>
body{font-family:sans-serif;max-width:30em;margin:2em auto;padding:0 1em;color:#222}
header{border-bottom:3px solid #1a5c9e;margin-bottom:1.5em}
label{display:block;margin-top:1em;font-weight:bold}
input{font-size:1em;padding:.3em;width:100%;box-sizing:border-box}
button{margin-top:1.5em;font-size:1em;padding:.5em 1em}
.error{border-left:4px solid #b00;padding:.5em 1em;background:#fee}
.note{color:#555;font-size:.9em;margin-top:2em}
</style>
</head>
<body>
<header><p><strong>Servicekonto (Demo)</strong></p></header>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function loginPage(uid, login, error) {
  return page('Anmelden', `${error ? `<p class="error" role="alert">${esc(error)}</p>\n` : ''}\
<p>Melden Sie sich mit Ihrem Servicekonto an, um zum Rathaus zurückzukehren.</p>
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="login">Benutzername</label>
<input id="login" name="login" autocomplete="username" required value="${esc(login)}">
<label for="password">Passwort</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Anmelden</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort">
<button type="submit">Abbrechen</button>
</form>
<p class="note">Demo-Konten: erika / erika-demo (Vertrauensniveau substanziell),
max / max-demo (Vertrauensniveau niedrig). Nur für die Vorführung.</p>`);
}

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    client_name: 'Rathaus (Demo)',
    redirect_uris: args['redirect-uri'],
    post_logout_redirect_uris: args['post-logout-uri'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    // Asked for whenever the portal names none: the ID token then always
    // carries the citizen's acr (mod_auth_openidc: OIDC_CLAIM_acr).
    default_acr_values: [`${LOA}low`, `${LOA}substantial`, `${LOA}high`],
  }],
  async findAccount(ctx, id) {
    const account = BY_SUB.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return structuredClone(account.claims);
      },
    };
  },
  claims: {
    openid: ['sub'],
    profile: ['given_name', 'family_name', 'birthdate'],
    email: ['email', 'email_verified'],
    address: ['address'],
  },
  scopes: ['openid', 'profile', 'email', 'address'],
  acrValues: [`${LOA}low`, `${LOA}substantial`, `${LOA}high`],
  // Made per start, in memory: nobody else knows them; a restart ends
  // every session (which a demo and the tests are fine with).
  jwks: {
    keys: [{
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
      use: 'sig',
      alg: 'RS256',
      kid: randomBytes(8).toString('hex'),
    }],
  },
  cookies: {
    keys: [randomBytes(32).toString('base64url')],
    // SameSite=Lax for the session too (oidc-provider 8 says None, and
    // adds a ".legacy" copy for old browsers; browsers drop a None cookie
    // that is not Secure, and the demo is plain http on 127.0.0.1).
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
  },
  interactions: {
    url(ctx, interaction) {
      return `/interaction/${interaction.uid}`;
    },
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.type = 'html';
        ctx.body = page('Abmelden', `<p>Möchten Sie sich vom Servicekonto abmelden?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Abmelden</button>
<button type="submit" form="op.logoutForm">Angemeldet bleiben</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'html';
        ctx.body = page('Abgemeldet', '<p>Sie sind vom Servicekonto abgemeldet.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fehler', `<p class="error">${esc(out.error)}: ${esc(out.error_description || '')}</p>`);
  },
  // mod_auth_openidc sends PKCE (OIDCPKCEMethod S256 in tools/instance).
  pkce: { required: () => true },
};

const provider = new Provider(args.issuer, configuration);
const providerCallback = provider.callback();

function readForm(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > 16384) {
        reject(new Error('form too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

// The login form's answer redirects on to the portal: a browser applies
// form-action to those redirects too.
const formAction = ["'self'",
  ...new Set(args['redirect-uri'].map((u) => new URL(u).origin))].join(' ');

function send(res, status, html) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'`,
  });
  res.end(html);
}

// Consent for the one first-party client: grant what it asks for, as the
// oidc-provider's own example interactions do.
async function autoConsent(details) {
  const { prompt, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const d = prompt.details;
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  if (d.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return grant.save();
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, page('Fehler', '<p class="error">Diese Anmeldung ist abgelaufen.</p>'));
    return;
  }
  const { prompt, params } = details;

  if (action === 'abort' && req.method === 'POST') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'Anmeldung abgebrochen',
    }, { mergeWithLastSubmission: false });
    return;
  }

  if (prompt.name === 'consent') {
    if (params.client_id !== CLIENT_ID) {
      send(res, 403, page('Fehler', '<p class="error">Unbekannter Dienst.</p>'));
      return;
    }
    const grantId = await autoConsent(details);
    await provider.interactionFinished(req, res, { consent: { grantId } },
      { mergeWithLastSubmission: true });
    return;
  }

  if (prompt.name !== 'login') {
    send(res, 400, page('Fehler', '<p class="error">Unbekannter Schritt.</p>'));
    return;
  }
  if (action === '' && req.method === 'GET') {
    send(res, 200, loginPage(uid, '', ''));
    return;
  }
  if (action === 'login' && req.method === 'POST') {
    const form = await readForm(req);
    const login = form.get('login') || '';
    const account = Object.hasOwn(ACCOUNTS, login) ? ACCOUNTS[login] : undefined;
    if (!account || form.get('password') !== account.password) {
      send(res, 200, loginPage(uid, login,
        'Benutzername oder Passwort ist falsch. Bitte versuchen Sie es noch einmal.'));
      return;
    }
    await provider.interactionFinished(req, res, {
      login: { accountId: account.claims.sub, acr: account.acr, amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
    return;
  }
  send(res, 405, page('Fehler', '<p class="error">Nicht erlaubt.</p>'));
}

const server = createServer((req, res) => {
  const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?\/?(?:\?.*)?$/.exec(req.url);
  if (!m) {
    providerCallback(req, res);
    return;
  }
  interaction(req, res, m[1], m[2] || '').catch((err) => {
    process.stderr.write(`idp: ${req.method} ${req.url}: ${err.message}\n`);
    if (!res.headersSent) {
      send(res, 400, page('Fehler', '<p class="error">Diese Anmeldung ist abgelaufen oder ungültig. Bitte beginnen Sie im Rathaus neu.</p>'));
    } else {
      res.end();
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write('ready\n');
});
server.on('error', (err) => {
  process.stderr.write(`idp: ${err.message}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
