// Stand-in for actions/github-script in the end-to-end workflow tests: runs the step's script
// with node and the objects the script uses. `github` serves the issue-comment calls from a
// JSON file under $E2E_DIR/github-api (every call answers 403 when E2E_DENY_COMMENTS=1, as for
// a token without pull-requests: write); `core` writes workflow commands and the step summary.
'use strict';
const fs = require('fs');
const path = require('path');

const store = path.join(process.env.E2E_DIR, 'github-api', 'comments.json');
const load = () => (fs.existsSync(store) ? JSON.parse(fs.readFileSync(store, 'utf8')) : []);
const save = (comments) => {
  fs.mkdirSync(path.dirname(store), { recursive: true });
  fs.writeFileSync(store, JSON.stringify(comments, null, 2));
};
const guard = () => {
  if (process.env.E2E_DENY_COMMENTS === '1') {
    throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
  }
};
const thread = (p) => `${p.owner}/${p.repo}#${p.issue_number}`;

const github = {
  rest: {
    issues: {
      async listComments(p) {
        guard();
        return { data: load().filter((c) => c.thread === thread(p)) };
      },
      async createComment(p) {
        guard();
        const comments = load();
        const comment = { id: comments.length + 1, thread: thread(p), body: p.body, updates: 0 };
        comments.push(comment);
        save(comments);
        return { data: comment };
      },
      async updateComment(p) {
        guard();
        const comments = load();
        const comment = comments.find((c) => c.id === p.comment_id);
        if (!comment) throw Object.assign(new Error('Not Found'), { status: 404 });
        comment.body = p.body;
        comment.updates += 1;
        save(comments);
        return { data: comment };
      },
    },
  },
  async paginate(method, params) {
    return (await method(params)).data;
  },
};

const event = JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8') || '{}');
const [owner, repo] = (process.env.GITHUB_REPOSITORY || '/').split('/');
const context = {
  repo: { owner, repo },
  issue: { owner, repo, number: (event.pull_request || event.issue || {}).number },
  payload: event,
  eventName: process.env.GITHUB_EVENT_NAME,
};

const escape = (text) => String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
let pending = '';
const core = {
  notice: (message) => console.log(`::notice::${escape(message)}`),
  warning: (message) => console.log(`::warning::${escape(message)}`),
  setFailed: (message) => {
    console.log(`::error::${escape(message)}`);
    process.exitCode = 1;
  },
  summary: {
    addRaw(text) {
      pending += text;
      return this;
    },
    async write() {
      fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, pending);
      pending = '';
      return this;
    },
  },
};

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
new AsyncFunction('github', 'context', 'core', 'require', process.env.SCRIPT)(github, context, core, require).catch(
  (error) => {
    console.log(`::error::Unhandled error: ${escape(error.stack || error)}`);
    process.exitCode = 1;
  },
);
