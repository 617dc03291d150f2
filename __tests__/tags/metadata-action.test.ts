/**
 * docker/metadata-action's own table-driven cases (its __tests__/meta.test.ts: every case that
 * produces tags), run through our tag engine: each row is the event, the `tags`/`flavor` lines and
 * the tags metadata-action gives (for its first image). Rows without `tags` use metadata-action's
 * default rules, written out as the README's migration table says. The run contexts are the
 * fixtures' GITHUB_* variables and payload fields.
 */
import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../src/context/types.js';
import { planTags } from '../../src/tags/engine.js';
import { request } from './events.js';

const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
const MASTER_SHA = '266574110acf203503badf966df2ea24b5d732d7';
const PR_MERGE_SHA = 'a9c8c5828b91be19d9728548b24759e352367ef1';
const PR_HEAD_SHA = '3370e228f2209994d57af4427fe64e71bb79ac96';
// metadata-action's tests freeze the clock, and every date, at this instant.
const NOW = new Date('2020-01-10T00:30:00.000Z');

/** metadata-action's rules when `tags` is empty. */
const DEFAULTS = ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'];

function context(overrides: Partial<RunContext>): RunContext {
  return {
    eventName: 'push',
    ref: '',
    sha: '',
    repository: 'docker/test-docker-action',
    serverUrl: 'https://github.com',
    runId: '1',
    runAttempt: '1',
    defaultBranch: 'master',
    commitDate: NOW,
    now: NOW,
    act: false,
    ...overrides,
  };
}

const tagPush = (tag: string) =>
  // A tag push's payload names the branch it was pushed from (`base_ref`).
  context({ ref: `refs/tags/${tag}`, sha: SHA, baseRef: 'refs/heads/master' });

const EVENTS: Record<string, RunContext> = {
  null: context({ eventName: '' }),
  empty: context({}),
  push_dev: context({ ref: 'refs/heads/dev', sha: SHA }),
  push_master: context({ ref: 'refs/heads/master', sha: MASTER_SHA }),
  push_invalidchars: context({
    ref: 'refs/heads/my/feature#1245',
    sha: '983315b5e8d46e46fc4c49869e85e7ee5fb289ba',
  }),
  workflow_dispatch: context({ eventName: 'workflow_dispatch', ref: 'refs/heads/master', sha: SHA }),
  schedule: context({ eventName: 'schedule', ref: 'refs/heads/master', sha: SHA }),
  release_created: context({ eventName: 'release', ref: 'refs/tags/v1.1.1', sha: SHA }),
  pull_request: context({
    eventName: 'pull_request',
    ref: 'refs/pull/15/merge',
    sha: PR_MERGE_SHA,
    baseRef: 'master',
    prNumber: 15,
    prHeadSha: PR_HEAD_SHA,
  }),
  pull_request_target: context({
    eventName: 'pull_request_target',
    ref: 'refs/heads/master',
    sha: MASTER_SHA,
    baseRef: 'master',
    prNumber: 15,
    prHeadSha: PR_HEAD_SHA,
  }),
  ...Object.fromEntries(
    [
      'release1',
      '20200110-RC2',
      'v1.1.1',
      'v2.0.8-beta.67',
      'sometag',
      'p1/v1.0.0',
      '1.2',
      '1.1beta2',
      '1.0dev4',
      '1.2.3rc2',
      '1.2post1',
      'v1.2.3rc2',
    ].map((tag) => [`tag_${tag.replace('/', '-')}`, tagPush(tag)]),
  ),
};

interface Row {
  /** metadata-action's case name. */
  id: string;
  /** Its fixture, by name. */
  event: string;
  tags?: string[];
  flavor?: string[];
  /** DOCKER_METADATA_PR_HEAD_SHA=true. */
  prHeadSha?: boolean;
  /** The tags metadata-action gives. */
  out: string[];
}

// prettier-ignore
const ROWS: Row[] = [
  { id: "null01", event: "null", tags: DEFAULTS, out: [] },
  { id: "null02", event: "empty", tags: ["type=sha", "type=raw,{{branch}}"], out: [] },
  { id: "push01", event: "push_dev", tags: DEFAULTS, out: ["dev"] },
  { id: "push02", event: "push_master", tags: ["type=edge"], out: ["edge"] },
  { id: "push03", event: "push_master", tags: DEFAULTS, out: ["master"] },
  { id: "push04", event: "workflow_dispatch", tags: ["type=edge"], out: ["edge"] },
  { id: "push05", event: "push_dev", tags: DEFAULTS, out: ["dev"] },
  { id: "push06", event: "push_master", tags: ["type=edge"], out: ["edge"] },
  { id: "push07", event: "push_dev", tags: ["type=ref,event=branch", "type=sha"], out: ["dev", "sha-860c190"] },
  { id: "push08", event: "push_master", tags: ["type=edge", "type=sha"], out: ["edge", "sha-2665741"] },
  { id: "push09", event: "push_dev", tags: ["type=edge,branch=dev", "type=sha"], out: ["edge", "sha-860c190"] },
  { id: "push10", event: "push_master", tags: ["type=edge,branch=dev", "type=sha"], out: ["sha-2665741"] },
  { id: "push11", event: "push_invalidchars", tags: ["type=edge", "type=sha"], out: ["sha-983315b"] },
  { id: "push12", event: "push_invalidchars", tags: ["type=semver,pattern={{version}}", "type=pep440,pattern={{version}}", "type=edge"], out: [] },
  { id: "push13", event: "push_master", tags: ["type=ref,priority=2000,event=branch", "type=edge"], out: ["master", "edge"] },
  { id: "push14", event: "push_master", tags: ["type=semver,pattern={{version}},value=v1.2.3", "type=pep440,pattern={{version}},value=v1.2.3", "type=edge"], out: ["1.2.3", "edge", "latest"] },
  { id: "push15", event: "push_master", tags: ["type=match,pattern=v(.*),group=1,value=v1.2.3", "type=edge"], out: ["1.2.3", "edge", "latest"] },
  { id: "push16", event: "push_master", tags: ["type=match,enable=false,pattern=v(.*),group=1,value=v1.2.3", "type=edge"], out: ["edge"] },
  { id: "push17", event: "push_master", tags: ["type=raw,value=mytag-{{branch}}", "type=raw,value=mytag-{{date 'YYYYMMDD'}}", "type=raw,value=mytag-cd-{{commit_date 'YYYYMMDD'}}", "type=raw,value=mytag-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", "type=raw,value=mytag-tag-{{tag}}", "type=raw,value=mytag-baseref-{{base_ref}}", "type=raw,value=mytag-defbranch,enable={{is_default_branch}}"], out: ["mytag-master", "mytag-20200110", "mytag-cd-20200110", "mytag-20200110-093000", "mytag-tag-", "mytag-baseref-", "mytag-defbranch"] },
  { id: "push18", event: "push_dev", tags: ["type=ref,event=branch", "type=sha,format=long"], out: ["dev", "sha-860c1904a1ce19322e91ac35af1ab07466440c37"] },
  { id: "push19", event: "push_dev", tags: ["type=edge,branch=master", "type=ref,event=branch,enable=false", "type=sha,format=long", "type=raw,value=defbranch,enable={{is_default_branch}}"], out: ["sha-860c1904a1ce19322e91ac35af1ab07466440c37"] },
  { id: "push20", event: "push_dev", tags: ["type=edge,branch=master", "type=ref,event=branch,enable=false", "type=sha,format=long"], out: ["sha-860c1904a1ce19322e91ac35af1ab07466440c37"] },
  { id: "push21", event: "push_master", tags: ["type=raw,value=mytag-{{branch}}", "type=raw,value=mytag-{{date 'YYYYMMDD'}}", "type=raw,value=mytag-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", "type=raw,value=mytag-src-{{commit_date 'YYYYMMDD'}}", "type=raw,value=mytag-tag-{{tag}}", "type=raw,value=mytag-baseref-{{base_ref}}", "type=raw,value=mytag-defbranch,enable={{is_default_branch}}"], out: ["mytag-master", "mytag-20200110", "mytag-20200110-093000", "mytag-src-20200110", "mytag-tag-", "mytag-baseref-", "mytag-defbranch"] },
  { id: "tag01", event: "tag_release1", tags: DEFAULTS, out: ["release1", "latest"] },
  { id: "tag02", event: "tag_20200110-RC2", tags: DEFAULTS, out: ["20200110-RC2", "latest"] },
  { id: "tag03", event: "tag_20200110-RC2", tags: ["type=match,pattern=\\d{8}"], flavor: ["latest=false"], out: ["20200110"] },
  { id: "tag04", event: "tag_20200110-RC2", tags: ["type=match,pattern=(.*)-RC,group=1"], flavor: ["latest=false"], out: ["20200110"] },
  { id: "tag05", event: "tag_v1.1.1", tags: ["type=match,\"pattern=\\d.\\d.\\d\""], out: ["1.1.1", "latest"] },
  { id: "tag06", event: "tag_v1.1.1", tags: ["type=match,\"pattern=^v(\\d.\\d.\\d)$\",group=1"], out: ["1.1.1", "latest"] },
  { id: "tag07", event: "tag_v2.0.8-beta.67", tags: ["type=match,\"pattern=\\d.\\d.\\d-(alpha|beta).\\d+\""], out: ["2.0.8-beta.67", "latest"] },
  { id: "tag08", event: "tag_v2.0.8-beta.67", tags: ["type=match,\"pattern=\\d.\\d\""], out: ["2.0", "latest"] },
  { id: "tag09", event: "tag_v2.0.8-beta.67", tags: ["type=match,\"pattern=v(.*)-beta.(.*)\",group=1", "type=match,\"pattern=v(.*)-beta.(.*)\",group=2"], out: ["2.0.8", "67", "latest"] },
  { id: "tag10", event: "tag_sometag", tags: ["type=match,\"pattern=\\d.\\d\""], out: [] },
  { id: "tag11", event: "tag_v1.1.1", tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}"], out: ["1.1.1", "1.1", "1", "latest"] },
  { id: "tag12", event: "tag_v1.1.1", tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}.{{patch}}"], out: ["1.1.1", "latest"] },
  { id: "tag13", event: "tag_v2.0.8-beta.67", tags: ["type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}"], out: ["2.0.8-beta.67"] },
  { id: "tag14", event: "tag_sometag", tags: ["type=ref,event=tag", "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}"], flavor: ["latest=false"], out: ["sometag"] },
  { id: "tag15", event: "tag_v2.0.8-beta.67", tags: ["type=raw,priority=2000,foo", "type=semver,pattern={{version}}", "type=match,\"pattern=\\d.\\d\""], out: ["foo", "2.0.8-beta.67", "2.0"] },
  { id: "tag16", event: "tag_v1.1.1", tags: ["type=raw,priority=2000,foo", "type=ref,event=tag", "type=edge"], out: ["foo", "v1.1.1"] },
  { id: "tag17", event: "tag_p1-v1.0.0", tags: ["type=match,\"pattern=/^v(\\d.\\d.\\d)$/ig\",group=1", "type=match,pattern=\\d.\\d.\\d", "type=match,pattern=\\d.\\d", "type=ref,event=pr", "type=sha"], out: ["1.0.0", "1.0", "sha-860c190", "latest"] },
  { id: "tag18", event: "tag_p1-v1.0.0", tags: ["type=match,pattern=p1/v(\\d.\\d.\\d),group=1", "type=match,pattern=p1/v(\\d.\\d),group=1", "type=match,pattern=p1/v(\\d.\\d),group=3", "type=ref,event=pr", "type=sha"], out: ["1.0.0", "1.0", "sha-860c190", "latest"] },
  { id: "tag19", event: "tag_p1-v1.0.0", tags: ["type=match,pattern=p1/v(\\d.\\d.\\d),group=1", "type=match,pattern=p1/v(\\d.\\d),group=1,suffix=", "type=ref,event=pr", "type=sha"], flavor: ["suffix=-dev"], out: ["1.0.0-dev", "1.0", "sha-860c190-dev", "latest"] },
  { id: "tag20", event: "tag_v1.1.1", tags: ["type=raw,{{tag}}-{{sha}}-foo", "type=raw,{{base_ref}}-foo", "type=raw,defbranch-foo,enable={{is_default_branch}}"], out: ["v1.1.1-860c190-foo", "master-foo"] },
  { id: "tag21", event: "tag_v1.1.1", tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}.{{patch}}"], flavor: ["suffix=-dev,onlatest=true"], out: ["1.1.1-dev", "latest-dev"] },
  { id: "tag22", event: "tag_v1.1.1", tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}.{{patch}}"], flavor: ["prefix=foo-,onlatest=true", "suffix=-dev,onlatest=true"], out: ["foo-1.1.1-dev", "foo-latest-dev"] },
  { id: "tag23", event: "tag_v1.1.1", tags: ["type=pep440,pattern={{raw}}", "type=pep440,pattern={{major}}.{{minor}}"], out: ["v1.1.1", "1.1", "latest"] },
  { id: "tag24", event: "tag_1.2", tags: ["type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}"], out: ["1.2", "latest"] },
  { id: "tag25", event: "tag_1.1beta2", tags: ["type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"], out: ["1.1b2"] },
  { id: "tag26", event: "tag_1.0dev4", tags: ["type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"], out: ["1.0.dev4"] },
  { id: "tag27", event: "tag_1.2.3rc2", tags: ["type=pep440,pattern={{raw}}", "type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"], out: ["1.2.3rc2"] },
  { id: "tag28", event: "tag_v1.1.1", tags: ["type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}.{{patch}}", "type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"], out: ["1.1.1", "1.1", "1", "latest"] },
  { id: "tag29", event: "tag_1.2post1", tags: ["type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"], out: ["1.2.post1"] },
  { id: "tag30", event: "tag_sometag", tags: ["type=ref,event=tag", "type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"], flavor: ["latest=false"], out: ["sometag"] },
  { id: "tag31", event: "tag_v2.0.8-beta.67", tags: ["type=semver,pattern={{raw}}"], out: ["v2.0.8-beta.67"] },
  { id: "tag32", event: "tag_v1.2.3rc2", tags: ["type=pep440,pattern={{raw}}", "type=pep440,pattern={{major}}.{{minor}}"], out: ["v1.2.3rc2", "1.2.3rc2"] },
  { id: "tag33", event: "tag_v1.1.1", tags: ["type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}.{{patch}}", "type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"], out: ["1.1.1", "1.1", "1", "latest"] },
  { id: "latest01", event: "tag_release1", tags: ["type=match,\"pattern=^release\\d{1,2}\""], out: ["release1", "latest"] },
  { id: "latest02", event: "tag_20200110-RC2", tags: ["type=match,\"pattern=^\\d+-RC\\d{1,2}\""], out: ["20200110-RC2", "latest"] },
  { id: "latest03", event: "tag_20200110-RC2", tags: ["type=match,pattern=\\d{8}"], out: ["20200110", "latest"] },
  { id: "latest04", event: "tag_v1.1.1", tags: ["type=match,\"pattern=\\d.\\d.\\d\""], out: ["1.1.1", "latest"] },
  { id: "latest05", event: "tag_v1.1.1", tags: DEFAULTS, out: ["v1.1.1", "latest"] },
  { id: "latest06", event: "tag_v2.0.8-beta.67", tags: ["type=match,\"pattern=\\d.\\d.\\d\""], out: ["2.0.8", "latest"] },
  { id: "latest07", event: "tag_v1.1.1", tags: ["type=ref,event=tag"], flavor: ["latest=false"], out: ["v1.1.1"] },
  { id: "latest08", event: "tag_v1.1.1", tags: ["type=ref,event=tag"], flavor: ["latest=false"], out: ["v1.1.1"] },
  { id: "latest09", event: "tag_v1.1.1", tags: ["type=ref,event=tag"], flavor: ["latest=false"], out: ["v1.1.1"] },
  { id: "latest10", event: "tag_v2.0.8-beta.67", tags: ["type=match,\"pattern=\\d.\\d.\\d\""], out: ["2.0.8", "latest"] },
  { id: "pr01", event: "pull_request", tags: DEFAULTS, out: ["pr-15"] },
  { id: "pr02", event: "pull_request", tags: DEFAULTS, out: ["pr-15"] },
  { id: "pr03", event: "pull_request", tags: ["type=ref,event=pr", "type=sha"], out: ["pr-15", "sha-a9c8c58"] },
  { id: "pr04", event: "pull_request", tags: ["type=sha,priority=2000", "type=ref,event=pr"], out: ["sha-a9c8c58", "pr-15"] },
  { id: "pr05", event: "pull_request", tags: ["type=ref,event=pr"], flavor: ["prefix=glo-", "suffix=-bal"], out: ["pr-15-bal"] },
  { id: "pr06", event: "pull_request", tags: ["type=ref,event=pr,prefix="], flavor: ["prefix=glo-", "suffix=-bal"], out: ["15-bal"] },
  { id: "pr07", event: "pull_request_target", tags: ["type=sha,priority=2000", "type=ref,event=pr"], out: ["sha-2665741", "pr-15"] },
  { id: "pr08", event: "pull_request_target", tags: ["type=ref,event=pr,prefix="], flavor: ["prefix=glo-", "suffix=-bal"], out: ["15-bal"] },
  { id: "pr09", event: "pull_request_target", tags: ["type=ref,event=tag", "type=ref,event=pr", "type=ref,event=branch", "type=sha", "type=sha,format=long"], out: ["pr-15", "sha-2665741", "sha-266574110acf203503badf966df2ea24b5d732d7"] },
  { id: "pr10", event: "pull_request_target", tags: ["type=raw,value=mytag-{{base_ref}}", "type=raw,mytag-defbranch,enable={{is_default_branch}}"], out: ["mytag-master"] },
  { id: "pr11", event: "pull_request", tags: ["type=raw,value=mytag-{{base_ref}}", "type=raw,mytag-defbranch,enable={{is_default_branch}}"], out: ["mytag-master"] },
  { id: "pr12", event: "pull_request", tags: ["type=raw,value={{commit_date YYYY-MM-DD-HHmmSS}}"], out: ["2020-01-10T00-30-00Z"] },
  { id: "prh01", event: "pull_request", prHeadSha: true, tags: DEFAULTS, out: ["pr-15"] },
  { id: "prh02", event: "pull_request", prHeadSha: true, tags: DEFAULTS, out: ["pr-15"] },
  { id: "prh03", event: "pull_request", prHeadSha: true, tags: ["type=ref,event=pr", "type=sha"], out: ["pr-15", "sha-3370e22"] },
  { id: "prh04", event: "pull_request", prHeadSha: true, tags: ["type=sha,priority=2000", "type=ref,event=pr"], out: ["sha-3370e22", "pr-15"] },
  { id: "prh05", event: "pull_request", prHeadSha: true, tags: ["type=ref,event=pr"], flavor: ["prefix=glo-", "suffix=-bal"], out: ["pr-15-bal"] },
  { id: "prh06", event: "pull_request", prHeadSha: true, tags: ["type=ref,event=pr,prefix="], flavor: ["prefix=glo-", "suffix=-bal"], out: ["15-bal"] },
  { id: "prh07", event: "pull_request_target", prHeadSha: true, tags: ["type=sha,priority=2000", "type=ref,event=pr"], out: ["sha-3370e22", "pr-15"] },
  { id: "prh08", event: "pull_request_target", prHeadSha: true, tags: ["type=ref,event=pr,prefix="], flavor: ["prefix=glo-", "suffix=-bal"], out: ["15-bal"] },
  { id: "prh09", event: "pull_request_target", prHeadSha: true, tags: ["type=ref,event=tag", "type=ref,event=pr", "type=ref,event=branch", "type=sha", "type=sha,format=long"], out: ["pr-15", "sha-3370e22", "sha-3370e228f2209994d57af4427fe64e71bb79ac96"] },
  { id: "prh10", event: "pull_request_target", prHeadSha: true, tags: ["type=raw,value=mytag-{{base_ref}}", "type=raw,mytag-defbranch,enable={{is_default_branch}}"], out: ["mytag-master"] },
  { id: "prh11", event: "pull_request", prHeadSha: true, tags: ["type=raw,value=mytag-{{base_ref}}", "type=raw,mytag-defbranch,enable={{is_default_branch}}"], out: ["mytag-master"] },
  { id: "prh12", event: "pull_request", prHeadSha: true, tags: ["type=raw,value=src-{{commit_date YYYY-MM-DD}}"], out: ["src-2020-01-10T00-30-00Z"] },
  { id: "schedule01", event: "schedule", tags: DEFAULTS, out: ["nightly", "master"] },
  { id: "schedule02", event: "schedule", tags: ["type=schedule,pattern={{date 'YYYYMMDD'}}", "type=schedule,pattern=source-date-{{commit_date 'YYYY-MM-DD'}}"], out: ["20200110", "source-date-2020-01-10"] },
  { id: "schedule03", event: "schedule", tags: ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss'}}"], out: ["20200110-003000"] },
  { id: "schedule04", event: "schedule", tags: DEFAULTS, out: ["nightly", "master"] },
  { id: "schedule05", event: "schedule", tags: ["type=schedule", "type=sha"], out: ["nightly", "sha-860c190"] },
  { id: "schedule06", event: "schedule", tags: ["type=schedule", "type=sha,priority=2000", "type=raw,value=defbranch,enable={{is_default_branch}}"], out: ["sha-860c190", "nightly", "defbranch"] },
  { id: "schedule07", event: "schedule", tags: ["type=schedule"], flavor: ["prefix=glo-", "suffix=-bal"], out: ["glo-nightly-bal"] },
  { id: "schedule08", event: "schedule", tags: ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", "type=schedule,pattern=src-{{commit_date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"], out: ["20200110-093000", "src-20200110-093000"] },
  { id: "release01", event: "release_created", tags: DEFAULTS, out: ["v1.1.1", "latest"] },
  { id: "release02", event: "release_created", tags: ["type=ref,event=tag", "type=raw,value=baseref-{{base_ref}}", "type=raw,value=defbranch,enable={{is_default_branch}}"], out: ["v1.1.1", "baseref-", "latest"] },
  { id: "release03", event: "release_created", tags: ["type=raw,value=src-{{commit_date 'YYYYMMDD-HHmmss'}}", "type=raw,value={{date 'YYYYMMDD-HHmmss'}}"], out: ["src-20200110-003000", "20200110-003000"] },
  { id: "raw01", event: "push_dev", tags: ["type=ref,event=branch", "type=raw,my", "type=raw,custom", "type=raw,tags"], out: ["dev", "my", "custom", "tags"] },
  { id: "raw02", event: "push_dev", tags: ["type=ref,event=branch", "type=raw,my"], out: ["dev", "my"] },
  { id: "raw03", event: "tag_release1", tags: ["type=ref,event=tag", "type=raw,my", "type=raw,custom", "type=raw,tags"], out: ["release1", "my", "custom", "tags", "latest"] },
  { id: "raw04", event: "tag_20200110-RC2", tags: ["type=match,pattern=\\d{8}", "type=raw,my", "type=raw,custom", "type=raw,tags"], flavor: ["latest=false"], out: ["20200110", "my", "custom", "tags"] },
  { id: "raw05", event: "tag_v1.1.1", tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}", "type=raw,my", "type=raw,custom", "type=raw,tags"], out: ["1.1.1", "1.1", "1", "my", "custom", "tags", "latest"] },
  { id: "raw06", event: "tag_v1.1.1", tags: ["type=raw,my", "type=raw,custom", "type=raw,tags"], out: ["my", "custom", "tags"] },
  { id: "raw07", event: "push_dev", tags: ["type=ref,priority=90,event=branch", "type=raw,my", "type=raw,custom", "type=raw,tags"], flavor: ["latest=true"], out: ["my", "custom", "tags", "dev", "latest"] },
  { id: "raw08", event: "push_dev", tags: ["type=match,pattern=\\d{8}", "type=raw,my", "type=raw,custom", "type=raw,tags"], flavor: ["latest=false"], out: ["my", "custom", "tags"] },
  { id: "raw09", event: "push_dev", tags: ["type=match,pattern=\\d{8}", "type=raw,my,prefix=foo-,suffix=-bar", "type=raw,custom", "type=raw,tags"], flavor: ["latest=false", "prefix=glo-", "suffix=-bal"], out: ["foo-my-bar", "glo-custom-bal", "glo-tags-bal"] },
  { id: "raw10", event: "push_dev", tags: ["type=raw,foo", "type=raw,bar,enable=false", "type=raw,baz,enable=true"], flavor: ["latest=false"], out: ["foo", "baz"] },
  { id: "json01", event: "push_dev", tags: ["type=ref,event=branch", "type=raw,my", "type=raw,custom", "type=raw,tags"], out: ["dev", "my", "custom", "tags"] },
  { id: "json02", event: "push_dev", tags: ["type=ref,event=branch", "type=raw,my"], out: ["dev", "my"] },
  { id: "json03", event: "tag_release1", tags: ["type=ref,event=tag", "type=raw,my", "type=raw,custom", "type=raw,tags"], out: ["release1", "my", "custom", "tags", "latest"] },
  { id: "json04", event: "tag_20200110-RC2", tags: ["type=match,pattern=\\d{8}", "type=raw,my", "type=raw,custom", "type=raw,tags"], flavor: ["latest=false"], out: ["20200110", "my", "custom", "tags"] },
  { id: "json05", event: "tag_v1.1.1", tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}", "type=raw,my", "type=raw,custom", "type=raw,tags"], out: ["1.1.1", "1.1", "1", "my", "custom", "tags", "latest"] },
  { id: "json06", event: "tag_v1.1.1", tags: ["type=raw,my", "type=raw,custom", "type=raw,tags"], out: ["my", "custom", "tags"] },
  { id: "json07", event: "tag_v1.1.1", tags: DEFAULTS, out: ["v1.1.1", "latest"] },
];

describe("metadata-action's own cases", () => {
  it.each(ROWS)('$id ($event)', ({ event, tags, flavor, prHeadSha, out }) => {
    const plan = planTags(
      EVENTS[event]!,
      request({
        rules: (tags ?? []).join('\n'),
        flavor: (flavor ?? []).join('\n'),
        prHeadSha: prHeadSha ?? false,
      }),
    );
    expect(plan.tags).toEqual(out);
  });
});
