import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDockerDemuxer, dockerSocketPath, serviceAliases, splitImageReference } from './docker-stream.js';

function frame(kind: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test('demuxes frames split at any byte', () => {
  const all = Buffer.concat([frame(1, 'out1 '), frame(2, 'err '), frame(1, 'out2')]);
  for (let cut = 0; cut <= all.length; cut++) {
    const got: string[] = [];
    const d = createDockerDemuxer((p, s) => got.push(`${s}:${p.toString()}`));
    d.push(all.subarray(0, cut));
    d.push(all.subarray(cut));
    assert.deepEqual(got, ['stdout:out1 ', 'stderr:err ', 'stdout:out2']);
  }
});

test('image references and service aliases', () => {
  assert.deepEqual(splitImageReference('postgres:15'), { fromImage: 'postgres', tag: '15' });
  assert.deepEqual(splitImageReference('registry:5000/team/app'), { fromImage: 'registry:5000/team/app', tag: 'latest' });
  assert.deepEqual(splitImageReference('alpine@sha256:abc'), { fromImage: 'alpine', tag: 'sha256:abc' });
  assert.deepEqual(serviceAliases('tutum/wordpress:latest'), ['tutum__wordpress', 'tutum-wordpress']);
  assert.deepEqual(serviceAliases('registry.example.com/group/redis:7'), ['group__redis', 'group-redis']);
  assert.deepEqual(serviceAliases('postgres:15', 'db'), ['db']);
});

test('DOCKER_HOST: unix sockets only', () => {
  assert.deepEqual(dockerSocketPath(undefined), { ok: true, socketPath: '/var/run/docker.sock' });
  assert.deepEqual(dockerSocketPath('unix:///run/user/1/docker.sock'), { ok: true, socketPath: '/run/user/1/docker.sock' });
  assert.equal(dockerSocketPath('tcp://1.2.3.4:2375').ok, false);
});
