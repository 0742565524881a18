/** The page's sign-in: a form when the service asks who you are, and who is signed in with a way out. */

interface SessionAnswer {
  access: 'open' | 'signed_in' | 'signed_out';
  user: { name: string; role: string; via: 'session' | 'token' | 'proxy' | 'open' } | null;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const section = byId<HTMLElement>('sign-in');
const form = byId<HTMLFormElement>('sign-in-form');
const nameInput = byId<HTMLInputElement>('sign-in-name');
const passwordInput = byId<HTMLInputElement>('sign-in-password');
const message = byId<HTMLParagraphElement>('sign-in-message');
const account = byId<HTMLElement>('account');

async function sessionRequest(method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch('/api/session', {
    method,
    headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    credentials: 'same-origin',
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

function showAccount(answer: SessionAnswer, onSignedOut: () => void): void {
  account.replaceChildren();
  if (!answer.user) return;
  account.append(`Signed in as ${answer.user.name}`);
  // Behind a single-sign-on proxy, signing out is the proxy's business.
  if (answer.user.via !== 'session') return;
  const out = document.createElement('button');
  out.type = 'button';
  out.id = 'sign-out';
  out.textContent = 'Sign out';
  out.addEventListener('click', async () => {
    await sessionRequest('DELETE');
    onSignedOut();
  });
  account.append(' ', out);
}

/**
 * Asks the service who is signed in. Open or signed in: `onSignedIn` runs and the page works as
 * before. Otherwise the sign-in form is shown, and `onSignedIn` runs once the form succeeds.
 * `signInAgain` is for API answers of 401 later on (a session that expired or was revoked).
 */
export function setUpSignIn(onSignedIn: () => void, onSignedOut: () => void): { start: () => Promise<void>; signInAgain: () => void } {
  const showForm = (note: string) => {
    document.body.dataset.access = 'signed_out';
    account.replaceChildren();
    section.hidden = false;
    message.textContent = note;
    onSignedOut();
    nameInput.focus();
  };
  const signedOut = () => showForm('Signed out.');
  const enter = (answer: SessionAnswer) => {
    document.body.dataset.access = answer.access;
    section.hidden = true;
    message.textContent = '';
    showAccount(answer, signedOut);
    onSignedIn();
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.textContent = 'Signing in…';
    const r = await sessionRequest('POST', { name: nameInput.value.trim(), password: passwordInput.value });
    if (r.status === 200) {
      passwordInput.value = '';
      enter(r.json as SessionAnswer);
      return;
    }
    const error = (r.json as { error?: { message?: string } } | null)?.error?.message;
    message.textContent = error ?? `Sign-in failed (HTTP ${r.status}).`;
    passwordInput.select();
  });

  return {
    start: async () => {
      const r = await sessionRequest('GET');
      const answer = r.json as SessionAnswer | null;
      if (r.status === 200 && answer && answer.access !== 'signed_out') enter(answer);
      else showForm('Sign in to search the collection.');
    },
    signInAgain: () => showForm('Your session has ended. Sign in again.'),
  };
}
