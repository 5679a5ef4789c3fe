// Given the where-to-go texts as data and a classified request, when a channel builds its reply, then each class the
// regulations send elsewhere (legal procedure, out of scope, state secrets) adds its text in the request's language;
// and a broken texts file is refused with every problem named by file, line and path.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDispositions, InvalidDispositionsError } from '../../../src/adapters/flow/load-dispositions.js';
import { DISPOSITION_KINDS, dispositionNotice, dispositionsOf } from '../../../src/domain/dispositions/dispositions.js';
import { parseDispositions } from '../../../src/domain/dispositions/parse-dispositions.js';
import { classify } from '../../../src/domain/intake/classify.js';
import { buildAcknowledgement } from '../../../src/domain/email/acknowledgement.js';

const SHIPPED = 'ivr-flows/dispositions.yaml';

describe('the shipped dispositions file', () => {
  it('has every class in both languages, and loads', async () => {
    const texts = await loadDispositions(SHIPPED);
    for (const kind of DISPOSITION_KINDS) {
      expect(texts[kind].zh).toMatch(/\p{Script=Han}/u);
      expect(texts[kind].en).toMatch(/[A-Za-z]/);
    }
    expect(texts.legalProcedure.zh).toContain('12348');
  });
});

describe('classification and notices', () => {
  const texts = parseDispositions(readFileSync(SHIPPED, 'utf8'), SHIPPED);
  if (!texts.ok) throw new Error(texts.problems.join('\n'));

  it('tells each class where to go, in the request\'s language, and nothing for an ordinary request', () => {
    const cases: [string, readonly string[]][] = [
      ['我想起诉物业公司，法院怎么立案', ['legalProcedure']],
      ['举报某局干部违纪，请纪委调查', ['outOfScope']],
      ['我申请政府信息公开，要看拆迁补偿文件', ['outOfScope']],
      ['我捡到一份涉密文件，上面写着绝密', ['stateSecret']],
      ['I want to sue my landlord in court', ['legalProcedure']],
      ['I found a classified document on the bus', ['stateSecret']],
      ['小区路灯坏了', []],
      ['The basketball court lights are broken', []],
    ];
    for (const [text, kinds] of cases) {
      const { hints, language } = classify({ text, channel: 'web', hasAttachments: false });
      expect(dispositionsOf(hints, language, texts.texts).map((d) => d.kind), text).toEqual(kinds);
      const notice = dispositionNotice(hints, language, texts.texts);
      if (kinds.length === 0) expect(notice, text).toBeUndefined();
      else expect(notice, text).toBe(kinds.map((k) => texts.texts[k as keyof typeof texts.texts][language]).join(language === 'zh' ? '' : ' '));
    }
  });

  it('gives every class a matter hits, in order', () => {
    const { hints } = classify({ text: '我要起诉，还要向纪委举报，材料涉密', channel: 'email', hasAttachments: false });
    expect(dispositionsOf(hints, 'zh', texts.texts).map((d) => d.kind)).toEqual(['legalProcedure', 'outOfScope', 'stateSecret']);
  });
});

describe('the e-mail acknowledgement', () => {
  it('says where the matter is handled in both languages, after the ticket', () => {
    const ack = buildAcknowledgement({ subject: '起诉', ticket: '123456789012', followUp: false, dropped: [], pin: '123456', elsewhere: { zh: '请向法院起诉。', en: 'Go to court.' } });
    expect(ack.text).toMatch(/工单号：123456789012[\s\S]*请向法院起诉。[\s\S]*ticket number is 123456789012[\s\S]*Go to court\./);
    expect(buildAcknowledgement({ subject: 'x', ticket: '123456789012', followUp: false, dropped: [] }).text).not.toContain('法院');
  });
});

describe('parseDispositions', () => {
  const good = readFileSync(SHIPPED, 'utf8');

  it('names the file, line and path of every problem at once', () => {
    const result = parseDispositions(
      ['legalProcedure:', '  zh: "请向法院起诉"', '  fr: "au tribunal"', 'outOfScope:', '  zh: ""', '  en: "elsewhere"', 'weather:', '  zh: 天气'].join('\n'),
      'bad.yaml',
    );
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bad\.yaml:3:\d+ legalProcedure\.fr: unknown language/),
        expect.stringMatching(/^bad\.yaml:\d+:\d+ legalProcedure: en: expected a non-empty text/),
        expect.stringMatching(/^bad\.yaml:5:\d+ outOfScope\.zh: zh: expected a non-empty text/),
        expect.stringMatching(/^bad\.yaml:7:\d+ weather: unknown class/),
        expect.stringMatching(/stateSecret: missing/),
      ]),
    );
  });

  it('refuses YAML that does not parse, duplicate keys, a list, and over-long texts', () => {
    expect(parseDispositions('legalProcedure: [', 'x.yaml')).toMatchObject({ ok: false });
    const duplicated = parseDispositions(`${good}\nstateSecret:\n  zh: 再来一次\n  en: again\n`, 'x.yaml');
    expect(duplicated.ok).toBe(false);
    expect(parseDispositions('- a\n- b\n', 'x.yaml')).toMatchObject({ ok: false, problems: [expect.stringContaining('expected a mapping')] });
    const long = good.replace(/(stateSecret:\n {2}zh: )"[^"]*"/, `$1"${'长'.repeat(501)}"`);
    expect(parseDispositions(long, 'x.yaml')).toMatchObject({ ok: false, problems: [expect.stringContaining('too long: 501 characters')] });
  });

  it('is refused at start with the file named', async () => {
    await expect(loadDispositions('/nonexistent/dispositions.yaml')).rejects.toThrow(InvalidDispositionsError);
    await expect(loadDispositions('/nonexistent/dispositions.yaml')).rejects.toThrow(/\/nonexistent\/dispositions\.yaml/);
  });
});
