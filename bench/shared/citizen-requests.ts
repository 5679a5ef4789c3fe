// What the load generators send: citizens' requests in Mandarin and English, built from templates, places and
// details so that no two in a row are the same text, with contacts as people give them. Deterministic in the
// sequence number, so two runs send the same mix. No digits in the texts: a run of digits could be read as a
// ticket number by the WeChat channel and turn a new request into a status question.

export interface CitizenContact {
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly anonymous?: boolean;
}

export interface CitizenRequest {
  readonly text: string;
  readonly language: 'zh' | 'en';
  /** A short line for an e-mail subject. */
  readonly subject: string;
  /** Where it is (a district and a place), as a citizen would name it in an address field. */
  readonly place: string;
  readonly contact: CitizenContact;
  readonly location?: { readonly lat: number; readonly lon: number; readonly address?: string };
}

const DISTRICTS = ['东城区', '西城区', '朝阳区', '海淀区', '丰台区', '石景山区', '通州区', '昌平区', '大兴区', '顺义区', '房山区', '门头沟区'];
const PLACES = ['和平里小区', '望京西园', '回龙观东大街', '双井桥南', '五道口地铁站', '天通苑北二区', '亦庄文化园', '方庄芳星园', '牛街清真超市', '中关村大街'];
const SINCE = ['一周', '三天', '半个月', '一个多月', '好几天', '两个星期'];

const ZH_TEMPLATES: readonly ((place: string, since: string) => string)[] = [
  (p, s) => `${p}门口的路灯坏了${s}了，晚上特别黑，老人出门很不方便，请尽快派人维修。`,
  (p, s) => `${p}附近有工地夜间施工，已经持续${s}，每天晚上十点以后还在打桩，严重影响休息。`,
  (p) => `${p}旁边的垃圾桶满了没人清运，味道很大，夏天招苍蝇，希望环卫部门处理一下。`,
  (p) => `请问${p}这边办理居住证需要带哪些材料？在哪个窗口办理？周末可以办吗？`,
  (p, s) => `${p}的公交站牌被撞歪了${s}，等车的人看不清线路，存在安全隐患。`,
  (p) => `${p}有商户占道经营，人行道被摊位挡住，行人只能走机动车道。`,
  (p, s) => `我家在${p}，小区供暖${s}都不热，室温只有十几度，物业一直推脱。`,
  (p) => `${p}的共享单车乱停乱放，把盲道和消防通道都堵住了，请管理一下。`,
  (p) => `想咨询一下${p}附近的小学入学划片政策，非京籍孩子需要准备什么手续？`,
  (p, s) => `${p}的下水道堵了${s}，污水漫到路面上，请市政尽快疏通。`,
  (p) => `表扬一下${p}社区的工作人员，帮我们家老人办好了医保报销，态度非常好。`,
  (p) => `建议在${p}路口增设一个红绿灯，早晚高峰学生过马路很危险。`,
  (p) => `${p}的一家餐馆后厨卫生很差，吃完后肚子不舒服，希望市场监管部门检查。`,
  (p, s) => `楼上邻居在${p}装修${s}了，周末早上七点就开始电钻，跟物业反映没有用。`,
  (p) => `${p}有一辆无牌照的车辆长期占用消防通道，多次挪车未果。`,
];

const EN_TEMPLATES: readonly ((place: string, since: string) => string)[] = [
  (p, s) => `The street light outside ${p} has been broken for ${s}. It is very dark at night, please send someone to repair it.`,
  (p) => `Construction near ${p} goes on past midnight every day. Is night work allowed there? We cannot sleep.`,
  (p) => `How do I apply for a residence permit in ${p}? Which documents are needed and can I do it online?`,
  (p) => `Rubbish has not been collected at ${p} and the bins are overflowing. Please ask the sanitation team to come.`,
  (p, s) => `The bus stop sign at ${p} was knocked over ${s} ago and nobody has fixed it yet.`,
  (p) => `I would like to thank the staff at the ${p} service centre, they helped my mother with her pension quickly.`,
];
const EN_PLACES = ['Heping Li', 'Wangjing West Garden', 'Huilongguan East Street', 'Shuangjing Bridge', 'Wudaokou station', 'Yizhuang'];
const EN_SINCE = ['a week', 'three days', 'two weeks', 'a month'];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛'];
const EN_NAMES = ['Anna Schmidt', 'David Miller', 'Sophie Martin', 'James Chen', 'Maria Garcia', 'Tom Wilson'];
const MAIL_DOMAINS = ['qq.com', '163.com', '126.com', 'sina.com', 'outlook.com', 'gmail.com'];
const MOBILE_PREFIXES = ['130', '131', '135', '136', '137', '138', '139', '150', '152', '158', '177', '186', '188', '199'];

/** One in this many requests comes from a returning citizen (one of `RETURNING` numbers), the rest from new ones. */
const RETURNING_EVERY = 50;
const RETURNING = 500;

/** A 32-bit mix of the sequence number (splitmix-like), so neighbouring requests differ in every choice. */
function mix(seq: number, salt: number): number {
  let x = (seq * 0x9e3779b1 + salt * 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

function pick<T>(list: readonly T[], seq: number, salt: number): T {
  return list[mix(seq, salt) % list.length] as T;
}

/** An 11-digit mobile number, distinct for distinct `who` below 10^8. */
function mobile(who: number): string {
  return `${pick(MOBILE_PREFIXES, who, 7)}${String((who * 7_919 + 12_345) % 100_000_000).padStart(8, '0')}`;
}

export function citizenRequest(seq: number): CitizenRequest {
  const english = mix(seq, 1) % 8 === 0;
  const who = seq % RETURNING_EVERY === 0 ? 100_000_000 - 1 - (mix(seq, 2) % RETURNING) : seq % 99_000_000;
  const style = mix(seq, 3) % 10;
  let contact: CitizenContact;
  if (style === 0) contact = { anonymous: true };
  else if (english) contact = { name: pick(EN_NAMES, seq, 4), phone: `+86${mobile(who)}`, ...(style < 6 ? { email: `resident${who}@${pick(MAIL_DOMAINS, seq, 5)}` } : {}) };
  else contact = { name: `${pick(SURNAMES, seq, 4)}${pick(GIVEN, seq, 6)}`, phone: mobile(who), ...(style < 4 ? { email: `bj${who}@${pick(MAIL_DOMAINS, seq, 5)}` } : {}) };

  if (english) {
    const place = pick(EN_PLACES, seq, 8);
    const text = pick(EN_TEMPLATES, seq, 9)(place, pick(EN_SINCE, seq, 10));
    return { text, language: 'en', subject: `Request about ${place}`, place, contact };
  }
  const district = pick(DISTRICTS, seq, 8);
  const place = `${district}${pick(PLACES, seq, 11)}`;
  const text = pick(ZH_TEMPLATES, seq, 9)(place, pick(SINCE, seq, 10));
  const located = mix(seq, 12) % 4 === 0;
  return {
    text,
    language: 'zh',
    subject: `关于${place}的问题`,
    place: `北京市${place}`,
    contact,
    ...(located ? { location: { lat: 39.8 + (mix(seq, 13) % 2000) / 10_000, lon: 116.3 + (mix(seq, 14) % 2000) / 10_000, address: `北京市${place}` } } : {}),
  };
}
