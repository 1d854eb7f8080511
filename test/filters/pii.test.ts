import { describe, it, expect } from 'vitest';
import { pii, redactPii, piiSchema, isPublicIPv4, isPublicIPv6 } from '../../pipeline/filters/pii.js';
import { runStage, doc } from './run-stage.js';

const O = piiSchema.parse({});

describe('pii', () => {
  it('replaces e-mail addresses with the placeholders in turn', () => {
    const r = redactPii('Write to jane.doe@mail.example.com or to bob+news@corp.example.', O);
    expect(r.text).toBe('Write to email@example.com or to firstname.lastname@example.org.');
    expect(r.emails).toBe(2);
  });

  it('replaces public IPv4 addresses and leaves private and reserved ones alone', () => {
    const r = redactPii('Server 8.8.8.8 and 93.184.216.34; router 192.168.1.1, vpn 10.0.0.7, local 127.0.0.1, docs 203.0.113.5, cgnat 100.64.1.1.', O);
    expect(r.text).toBe('Server 22.214.171.124 and 126.96.36.199; router 192.168.1.1, vpn 10.0.0.7, local 127.0.0.1, docs 203.0.113.5, cgnat 100.64.1.1.');
    expect(r.ips).toBe(2);
  });

  it('does not take version numbers or times for addresses', () => {
    const text = 'Upgrade from 1.2.3.4.5 to 2.0 before 12:30:45 today.';
    expect(redactPii(text, O).text).toBe(text);
  });

  it('replaces public IPv6 addresses, not loopback, link-local, unique-local or documentation ones', () => {
    const r = redactPii('dns 2606:4700:4700::1111 and 2a00:1450:4001:82b::200e; lo ::1, ll fe80::1, ula fd12:3456::1, doc 2001:db8::1', O);
    expect(r.text).toBe('dns 22.214.171.124 and 126.96.36.199; lo ::1, ll fe80::1, ula fd12:3456::1, doc 2001:db8::1');
    expect(isPublicIPv6('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicIPv6('::ffff:192.168.0.1')).toBe(false);
    expect(isPublicIPv4('172.32.0.1')).toBe(true);
    expect(isPublicIPv4('172.31.255.255')).toBe(false);
    expect(isPublicIPv4('224.0.0.1')).toBe(false);
  });

  it('rewrites the document text in the stage and counts hits', async () => {
    const r = await runStage(pii, {}, [doc('Contact admin@site.example from 8.8.4.4.')]);
    expect(r.kept[0].text).toBe('Contact email@example.com from 22.214.171.124.');
    expect(r.stats.stats.stages.pii.counters).toMatchObject({ emails: 1, ips: 1, documents_redacted: 1 });
  });

  it('drops documents with more hits than maxHits (dolma)', async () => {
    const many = Array.from({ length: 6 }, (_, i) => `user${i}@site.example`).join(' ');
    const r = await runStage(pii, { maxHits: 5 }, [doc(many)]);
    expect(r.dropped).toEqual({ 'pii:too_many_hits': 1 });
  });
});
