import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, detectLanguage } from '../../../src/domain/intake/classify.js';
import type { ClassifyInput } from '../../../src/domain/intake/classify.js';
import { EMERGENCY_RULES, LEGAL_TERMS } from '../../../src/domain/intake/keywords.js';
import { luhnCheckDigit } from '../../../src/domain/intake/luhn.js';
import { isResidentIdNumber } from '../../../src/domain/intake/privacy.js';
import { CATEGORIES, CHANNELS, KINDS } from '../../../src/domain/intake/submission.js';

const of = (text: string, extra: Partial<ClassifyInput> = {}) => classify({ text, channel: 'web', hasAttachments: false, ...extra });

/** A resident ID number with a valid check character. */
function residentId(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * (weights[i] ?? 0), 0);
  return body17 + '10X98765432'.charAt(sum % 11);
}
const bankCard = (body: string) => body + String(luhnCheckDigit(body));

describe('classify: kind', () => {
  it.each([
    ['我要投诉这家餐馆油烟扰民', 'complaint'],
    ['对物业的处理结果很不满', 'complaint'],
    ['出租车司机态度恶劣，还乱收费', 'complaint'],
    ['I want to complain about the bus driver', 'complaint'],
    ['The clerk was rude and I was overcharged', 'complaint'],
    ['我要实名举报某单位领导受贿', 'report'],
    ['举报小区里有人无证经营', 'report'],
    ['I want to report corruption at the district office', 'report'],
    ['A whistleblower tip: the company evades tax and bribes officials', 'report'],
    ['求助：家里老人走失了', 'help'],
    ['小区门口的路灯坏了三天了', 'help'],
    ['楼上漏水，请帮忙联系物业', 'help'],
    ['Please help, the heating in our building is broken', 'help'],
    ['The street light outside number 5 is not working', 'help'],
    ['建议在小区门口增设公交站', 'suggestion'],
    ['I suggest adding more bike lanes on Chang an Avenue', 'suggestion'],
    ['表扬朝阳区城管队的小王，工作认真负责', 'praise'],
    ['感谢小王师傅的耐心帮助！', 'praise'],
    ['小王服务很好，非常感谢！', 'praise'],
    ['I would like to praise the nurses at Peking Union hospital', 'praise'],
    ['Thank you so much for fixing the road so quickly', 'praise'],
    ['反馈一下上次工单的处理情况', 'feedback'],
    ['Feedback on my earlier request: still nothing happened', 'feedback'],
    ['咨询一下居住证怎么办理', 'consultation'],
    ['请问社保卡在哪里补办？', 'consultation'],
    ['How do I apply for a residence permit?', 'consultation'],
    ['I would like to know the opening hours of the tax office', 'consultation'],
    ['居住证办理需要多长时间？', 'consultation'],
    ['办居住证需要带户口本吗', 'consultation'],
    ['What documents are needed for a marriage registration', 'consultation'],
  ])('%s -> %s', (text, kind) => {
    expect(of(text).kind).toBe(kind);
  });

  it.each([
    ['路灯不亮了，谢谢', 'help'],
    ['请尽快修好，谢谢！', 'help'],
    ['请帮忙修一下，谢谢你们的帮助', 'help'],
    ['我要投诉施工扰民。谢谢。', 'complaint'],
    ['The pothole on my street is dangerous. Please fix it. Thank you very much.', 'help'],
    ['请问为什么还没人处理我的投诉？', 'complaint'],
  ])('a closing courtesy does not make praise: %s -> %s', (text, kind) => {
    expect(of(text).kind).toBe(kind);
  });

  it('defaults to consultation for a question and to help otherwise', () => {
    expect(of('东城区和西城区哪个好？').kind).toBe('consultation');
    expect(of('这个可以吗').kind).toBe('consultation');
    expect(of('Why is the sky grey today').kind).toBe('consultation');
    expect(of('楼下的狗一直叫').kind).toBe('help');
    expect(of('').kind).toBe('help');
    expect(of('', { hasAttachments: true }).kind).toBe('help');
  });

  it('lets the channel decide when it already knows', () => {
    expect(of('我要投诉', { kind: 'praise' }).kind).toBe('praise');
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...KINDS), fc.constantFrom(...CATEGORIES), (text, kind, category) => {
        const c = of(text, { kind, category });
        expect(c.kind).toBe(kind);
        expect(c.category).toBe(category);
      }),
    );
  });
});

describe('classify: category', () => {
  it.each([
    ['城管在路边执法', 'urban-management'],
    ['小区里有人私搭乱建', 'urban-management'],
    ['楼道里的垃圾好几天没有清运', 'urban-management'],
    ['消防通道被占了，一直没人管', 'urban-management'],
    ['夜间施工噪音严重扰民', 'urban-management'],
    ['Street vendors are blocking the sidewalk', 'urban-management'],
    ['Illegal construction on the roof next door', 'urban-management'],
    ['The fire lane is blocked by parked cars every night', 'urban-management'],
    ['河里有污水排放，很臭', 'environment'],
    ['附近工厂排放废气，空气质量很差', 'environment'],
    ['楼下广场舞噪音太大', 'environment'],
    ['There is a terrible smell from the chemical plant', 'environment'],
    ['Loud music every night, the noise is unbearable', 'environment'],
    ['公交车总是晚点', 'transportation'],
    ['地铁站的电梯坏了', 'transportation'],
    ['这个路口的红绿灯时间太短', 'transportation'],
    ['The subway is too crowded in the morning', 'transportation'],
    ['There is a huge pothole on the road near the school gate', 'transportation'],
    ['孩子上幼儿园报名的事情', 'education'],
    ['学校乱收费', 'education'],
    ['How do I enrol my child in primary school?', 'education'],
    ['医保报销比例是多少', 'medical'],
    ['医院挂号太难了', 'medical'],
    ['My medical insurance claim was rejected by the hospital', 'medical'],
    ['我想问一下居住证的事', 'other'],
    ['Hello', 'other'],
  ])('%s -> %s', (text, category) => {
    expect(of(text).category).toBe(category);
  });

  it('takes the category from an Open311 service code that names one', () => {
    expect(of('路灯坏了', { open311ServiceCode: 'environment' }).category).toBe('environment');
    expect(of('路灯坏了', { open311ServiceCode: 'Transportation.Pothole' }).category).toBe('transportation');
    expect(of('路灯坏了', { open311ServiceCode: 'medical/vaccines' }).category).toBe('medical');
    expect(of('路灯坏了', { open311ServiceCode: 'streetlight-001' }).category).toBe('urban-management');
    expect(of('路灯坏了', { open311ServiceCode: 'environmental' }).category).toBe('urban-management');
    expect(of('路灯坏了', { open311ServiceCode: 'environment', category: 'education' }).category).toBe('education');
  });
});

describe('classify: emergency', () => {
  it.each([
    ['我家楼下着火了，快来人', '119', '着火'],
    ['对面楼冒烟了', '119', '冒烟'],
    ['There is a fire in my building!', '119', 'fire'],
    ['The kitchen is on fire', '119', 'on fire'],
    ['Smoke is coming out of the flat next door', '119', 'smoke'],
    ['小区里燃气泄漏了，味道很大', '119', '燃气泄漏'],
    ['有人持刀抢劫', '110', '持刀'],
    ['我被人打了', '110', '被人打'],
    ['邻居家暴，孩子在哭', '110', '家暴'],
    ['Someone is being robbed outside the bank', '110', 'robbed'],
    ['A man with a gun is in the mall', '110', 'gun'],
    ['They kidnapped my son', '110', 'kidnapped'],
    ['有人晕倒了，不省人事', '120', '晕倒'],
    ['我爸心脏病发作了', '120', '心脏病发作'],
    ['My neighbour collapsed and is not breathing', '120', 'neighbour collapsed'],
    ['I think he is having a heart attack', '120', 'heart attack'],
    ['She is bleeding heavily from the head', '120', 'bleeding heavily'],
    ['路口发生车祸了', '122', '车祸'],
    ['三环上追尾了', '122', '追尾'],
    ['There has been a car crash on the third ring road', '122', 'car crash'],
    ['A child was hit by a car', '122', 'hit by a car'],
    ['ＦＩＲＥ！', '119', 'fire'],
  ])('%s -> %s (%s)', (text, line, matched) => {
    const c = of(text);
    expect(c.hints.emergency).toEqual({ line, matched });
    expect(c.priority).toBe(1);
  });

  it.each([
    '消防通道被占了，一直没人管',
    '小区要加强防火宣传',
    '这栋楼有火灾隐患，灭火器都过期了',
    '火警电话是多少？',
    '没有着火，只是有点烟味',
    '未起火，但电线老化',
    '请问交通事故认定书去哪里拿',
    '怎么打人工客服',
    '商场跳楼价大甩卖，噪音很大',
    '楼上打架子鼓扰民',
    '中风险地区的政策',
    'The fire hydrant on my street is leaking',
    'The fire exit at the cinema is locked',
    'Fireworks were set off at midnight',
    'My boss fired me without paying my wages',
    'There is no fire, but the alarm keeps ringing',
    'The building is not on fire',
    'Cigarette smoke from the restaurant comes into my flat',
    'The smoke alarm in the corridor keeps beeping',
    'They sell water guns to children',
    'Where can I get a flu vaccine',
    'I want to get my car accident insurance claim paid',
  ])('no emergency: %s', (text) => {
    const c = of(text);
    expect(c.hints.emergency).toBeUndefined();
    expect(c.priority).toBeGreaterThan(1);
  });

  it('prefers fire over violence over medical over traffic when several match', () => {
    expect(of('车祸后有人昏迷').hints.emergency?.line).toBe('120');
    expect(of('有人昏迷，楼里还着火了').hints.emergency?.line).toBe('119');
    expect(of('有人被捅了，流血不止').hints.emergency?.line).toBe('110');
  });

  const benign = fc
    .array(fc.constantFrom('我们', '小区', '今天', '楼下', '路灯', 'the', 'street', 'today', 'please', '北京', '  ', '，'), { maxLength: 6 })
    .map((words) => words.join(''));
  const emergencyTerms = EMERGENCY_RULES.flatMap((rule) =>
    rule.terms.filter((t): t is string => typeof t === 'string').map((t) => ({ line: rule.line, term: t.replace(/\*/g, '').replace(/^=/, '') })),
  );

  it.each(emergencyTerms)('$term alone -> $line', ({ line, term }) => {
    expect(of(term).hints.emergency?.line).toBe(line);
  });

  it('finds every emergency keyword anywhere in a text', () => {
    fc.assert(
      fc.property(benign, fc.constantFrom(...emergencyTerms), benign, fc.constantFrom('。', '! ', '\n', ', '), (before, { line, term }, after, separator) => {
        const c = of(`${before}${separator}${term}${separator}${after}`);
        expect(c.hints.emergency).toBeDefined();
        expect(c.hints.emergency?.line).toBe(line);
        expect(c.priority).toBe(1);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('classify: legal procedure', () => {
  it.each([
    ['我要起诉物业公司', '起诉'],
    ['劳动仲裁怎么申请', '仲裁'],
    ['对处罚决定不服，想申请行政复议', '行政复议'],
    ['法院判决了但对方不执行', '法院'],
    ['I am going to sue my landlord', 'sue'],
    ['Can I appeal the judgment of the district court', 'appeal the judgment'],
    ['We filed for arbitration last month', 'arbitration'],
  ])('%s -> %s', (text, matched) => {
    expect(of(text).hints.legalProcedure).toEqual({ matched });
  });

  it.each(['The basketball court lights are broken', '小区里的篮球场灯坏了', 'The food court is dirty'])('none in %s', (text) => {
    expect(of(text).hints.legalProcedure).toBeUndefined();
  });

  it('finds every legal keyword', () => {
    const terms = LEGAL_TERMS.terms.filter((t): t is string => typeof t === 'string').map((t) => t.replace(/\*/g, ''));
    for (const term of terms) expect(of(`请看：${term}。`).hints.legalProcedure, term).toBeDefined();
  });
});

describe('classify: privacy', () => {
  const id = '11010519491231002X';

  it('recognises resident ID numbers by their check character and birth date', () => {
    expect(isResidentIdNumber(id)).toBe(true);
    expect(isResidentIdNumber('110105194912310021')).toBe(false);
    expect(isResidentIdNumber(residentId('11010519491331002'))).toBe(false);
    expect(of(`我的身份证号是${id}`).hints.privacy).toEqual({ matched: ['id-number'] });
    expect(of('身份证 110105 19491231 002x 丢了').hints.privacy).toEqual({ matched: ['id-number'] });
    expect(of('编号110105194912310021').hints.privacy).toBeUndefined();
  });

  it('recognises bank card numbers by Luhn', () => {
    const card = bankCard('622202123456789012');
    expect(of(`银行卡号${card}被盗刷`).hints.privacy).toEqual({ matched: ['bank-card'] });
    expect(of('card 4111 1111 1111 1111 was charged twice').hints.privacy).toEqual({ matched: ['bank-card'] });
    expect(of('card 4111-1111-1111-1111').hints.privacy).toEqual({ matched: ['bank-card'] });
    expect(of('card 4111111111111112').hints.privacy).toBeUndefined();
    expect(of('ticket 000000018 and phone 13812345678').hints.privacy).toBeUndefined();
  });

  it('recognises health details', () => {
    expect(of('我是艾滋病感染者，求助').hints.privacy).toEqual({ matched: ['health'] });
    expect(of('Please keep my HIV status private').hints.privacy).toEqual({ matched: ['health'] });
    expect(of('He has AIDS').hints.privacy).toEqual({ matched: ['health'] });
    expect(of('My grandmother needs new hearing aids').hints.privacy).toBeUndefined();
  });

  it('lists every kind found, in a fixed order, never the values', () => {
    const c = of(`病历和身份证${id}以及卡号${bankCard('622202123456789012')}`);
    expect(c.hints.privacy).toEqual({ matched: ['id-number', 'bank-card', 'health'] });
    expect(JSON.stringify(c)).not.toMatch(/[0-9]{6}/);
  });

  it('finds any valid ID number or card number embedded in text', () => {
    const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const ids = fc
      .tuple(fc.integer({ min: 1, max: 9 }), digits(5), fc.integer({ min: 1900, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), digits(3))
      .map(([a, b, y, m, d, s]) => residentId(`${a}${b}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${s}`));
    const cards = fc.tuple(fc.integer({ min: 3, max: 6 }), fc.integer({ min: 14, max: 17 }).chain((n) => digits(n))).map(([a, b]) => bankCard(`${a}${b}`));
    const around = fc.constantFrom('号码', 'number: ', '：', ' ');
    fc.assert(
      fc.property(around, ids, around, (a, idNumber, b) => {
        expect(of(`${a}${idNumber}${b}`).hints.privacy?.matched).toContain('id-number');
      }),
    );
    fc.assert(
      fc.property(around, cards, around, (a, card, b) => {
        const matched = of(`${a}${card}${b}`).hints.privacy?.matched ?? [];
        // An 18-digit card number can also be a valid ID number: it is private either way.
        expect(matched.includes('bank-card') || matched.includes('id-number')).toBe(true);
      }),
    );
  });
});

describe('detectLanguage', () => {
  it.each([
    ['路灯坏了', 'zh'],
    ['我的WiFi坏了', 'zh'],
    ['请问 how do I apply for 居住证', 'zh'],
    ['请问 how do I apply for a 居住证', 'en'],
    ['请问居住证 how to apply', 'zh'],
    ['The street light is broken', 'en'],
    ['The 和平里 bus stop is broken, please fix', 'en'],
    ['', 'zh'],
    ['12345', 'zh'],
    ['😀😀', 'zh'],
    ['Привет', 'zh'],
    ['Ｈｅｌｌｏ ｗｏｒｌｄ', 'en'],
  ])('%j -> %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
    expect(of(text).language).toBe(language);
  });
});

describe('classify: properties', () => {
  it('never throws, and always answers within the enums with a consistent priority', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })),
        fc.constantFrom(...CHANNELS),
        fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
        fc.boolean(),
        (text, channel, open311ServiceCode, hasAttachments) => {
          const c = classify({ text, channel, hasAttachments, ...(open311ServiceCode !== undefined ? { open311ServiceCode } : {}) });
          expect(KINDS).toContain(c.kind);
          expect(CATEGORIES).toContain(c.category);
          expect(['zh', 'en']).toContain(c.language);
          expect(c.priority === 1).toBe(c.hints.emergency !== undefined);
          if (c.priority !== 1) expect(c.priority).toBe(['complaint', 'report', 'help'].includes(c.kind) ? 5 : 10);
          expect(Object.values(c.hints).every((v) => v !== undefined)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('classifies a 20,000-character text quickly', () => {
    const text = '楼下的垃圾没人清运，请尽快处理。The street light is broken. '.repeat(400).slice(0, 20_000);
    const start = performance.now();
    const c = of(text);
    expect(c.category).toBe('urban-management');
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('classify: asking for privacy', () => {
  it('hears an explicit request to keep it private, in either language and however the apostrophe is typed', () => {
    for (const text of ['举报邻居违建，请保密', '请勿公开我的信息', 'Please keep this private.', 'Don’t publish my name', "don't publish this"]) {
      expect(classify({ text, channel: 'wechat', hasAttachments: false }).privateAsked, text).toBe(true);
    }
  });

  it('does not take a complaint about privacy for a request to keep it private', () => {
    for (const text of ['快递公司造成我的隐私泄露', 'My privacy was breached by the courier', '小区路灯坏了']) {
      expect(classify({ text, channel: 'web', hasAttachments: false }).privateAsked, text).toBe(false);
    }
  });
});
