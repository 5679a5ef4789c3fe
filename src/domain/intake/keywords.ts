// The keyword tables classification uses, in Chinese and English. Terms follow `Term` in keyword-matcher.ts:
// Chinese strings match anywhere, English strings only as whole words (`*` = any ending, `=` = case-sensitive),
// RegExps run on the lower-cased text. `strong` terms name the matter outright (投诉, complaint) and weigh 3;
// `weak` terms only suggest it (态度差, rude) and weigh 1. Extend the tables here; classify.ts holds no words.

import type { Term, TermSet } from './keyword-matcher.js';
import type { Category, EmergencyLine, Kind } from './submission.js';

export interface WeightedTerms<T> {
  readonly value: T;
  readonly strong: readonly Term[];
  readonly weak: readonly Term[];
  readonly exclude?: readonly Term[];
}

export const KIND_TERMS: readonly WeightedTerms<Kind>[] = [
  {
    value: 'report',
    strong: [
      '举报', '检举', '揭发', '实名举报',
      'whistleblow*', 'whistle-blow*', 'report misconduct', 'report corruption', 'report fraud', 'report an official',
      'report illegal*', 'report a bribe', 'tip-off', 'tip off',
    ],
    weak: [
      '受贿', '行贿', '索贿', '贪污', '腐败', '挪用公款', '违法经营', '无证经营', '非法经营', '传销', '偷税', '漏税', '逃税',
      '黑车', '黑作坊', '假冒伪劣', '造假', '吃拿卡要', '以权谋私',
      'brib*', 'corrupt*', 'embezzl*', 'misconduct', 'abuse of power', 'fraud*', 'counterfeit*', 'unlicensed',
      'illegal business', 'tax evasion', 'pyramid scheme',
    ],
  },
  {
    value: 'complaint',
    strong: ['投诉', '不满', '控诉', 'complain*', 'dissatisfied', 'unacceptable', 'fed up'],
    weak: [
      '态度差', '态度恶劣', '态度不好', '扰民', '乱收费', '多收费', '拖欠', '欠薪', '不作为', '推诿', '踢皮球', '欺骗', '被坑',
      '维权', '不给退', '拒绝退', '不退款', '无人处理', '没人管', '没人处理', '太过分', '严重影响', '骚扰', '霸王条款', '敷衍',
      'rude', 'overcharg*', 'refus* to refund', 'no refund', 'poor service', 'terrible service', 'unhappy with',
      'nobody cares', 'ignored', 'harass*', 'unpaid wages', 'wage arrears', 'not been paid', 'disgrace*',
    ],
  },
  {
    value: 'help',
    strong: [
      '求助', '帮帮', '请帮', '救救', '求求',
      'please help', 'need help', 'help me', 'help us', 'can you help', 'could you help', 'sos',
    ],
    weak: [
      '帮忙', '帮助', '怎么办', '急需', '困难', '坏了', '损坏', '故障', '停水', '停电', '没水', '没电', '没有暖气', '暖气不热',
      '漏水', '堵了', '堵塞', '维修', '修理', '被困', '走失', '找不到', '尽快解决', '尽快处理',
      'help', 'assist*', 'broken', 'not working', "doesn't work", 'does not work', 'out of order', 'fix', 'repair*',
      'leak*', 'blocked', 'clogged', 'no water', 'no electricity', 'power outage', 'power cut', 'stuck', 'trapped',
      'missing',
    ],
  },
  {
    value: 'suggestion',
    strong: ['建议', '提议', '倡议', '献策', '金点子', 'suggest*', 'proposal', 'propose', 'recommend*'],
    weak: [
      '增设', '加装', '改进', '优化', '完善', '最好能', '可否考虑',
      'it would be better', 'would be nice', 'should add', 'should install', 'improve*', 'idea',
    ],
  },
  {
    value: 'praise',
    strong: [
      '表扬', '点赞', '赞扬', '称赞', '锦旗', '好评', '感谢信', '非常感谢', '特别感谢', '衷心感谢', '十分感谢', '万分感谢',
      '由衷感谢', /(?:感谢|谢谢).{0,12}(?:帮助|帮忙|付出|辛苦|耐心|及时|热心|负责|尽职)/u,
      'praise*', 'commend*', 'compliment*', 'kudos', 'well done', 'great job', 'excellent service', 'grateful',
      'really appreciate*', /(?<![\p{L}])thank(?:s| you)(?: (?:so|very) much)? for (?:your|the|all|helping|fixing|solving)/u,
    ],
    weak: ['感谢', '谢谢', '多谢', '致谢', '辛苦了', 'thank*', 'appreciate*'],
  },
  {
    value: 'feedback',
    strong: ['反馈', '回访', 'feedback', 'follow up', 'follow-up'],
    weak: [
      '跟进', '进展', '进度', '处理结果', '办理结果', '答复', '回复',
      'progress', 'status of', 'update on', 'any update*', 'outcome', 'result of my', 'reply to my', 'response to my',
    ],
  },
  {
    value: 'consultation',
    strong: [
      '咨询', '请问', '想问', '问一下', '问问', '想了解', '打听',
      'inquir*', 'enquir*', "i'd like to know", 'i would like to know', 'i want to know', 'question about', 'how do i',
      'how can i', 'how to', 'ask about',
    ],
    weak: [
      '如何', '怎么办理', '怎样', '怎么申请', '在哪里', '在哪儿', '哪里可以', '什么时候', '是否', '能否', '能不能', '可不可以',
      '可以吗', '需要什么', '需要哪些', '多少钱', '流程', '手续', '政策', '条件', '材料',
      'what is', 'what are', 'where can', 'where is', 'where do', 'when is', 'when does', 'when will', 'is it possible',
      'can i', 'do i need', 'information about', 'apply for', 'eligib*', 'requirement*', 'policy', 'policies',
    ],
  },
];

/**
 * Words of courtesy that close almost every message (感谢, thank you): ignored in the short last clause of a text
 * that says something before it, so "请尽快修好，谢谢" is not praise.
 */
export const CLOSING_COURTESY: TermSet = {
  terms: ['感谢', '谢谢', '多谢', '辛苦了', '麻烦了', 'thank*', 'thx', 'appreciate*', 'regards', 'cheers'],
};

export const CATEGORY_TERMS: readonly WeightedTerms<Exclude<Category, 'other'>>[] = [
  {
    value: 'urban-management',
    strong: [
      '城管', '城市管理', '占道', '占道经营', '违建', '违章建筑', '违法建设', '私搭乱建', '乱搭乱建', '垃圾清运', '垃圾分类',
      '小广告', '流动摊贩', '无照经营', '消防通道', '施工噪音', '施工噪声', '夜间施工', '渣土',
      'urban management', 'chengguan', 'street vendor*', 'hawker*', 'illegal construction', 'unauthorized construction',
      'unauthorised construction', 'illegal structure*', 'garbage collection', 'rubbish collection', 'waste collection',
      'fire lane*', 'fire exit*', 'construction noise', 'night construction', 'illegal advertis*',
    ],
    weak: [
      '垃圾', '摆摊', '小贩', '乱贴', '乱涂', '井盖', '路灯', '绿化', '树木', '修剪', '工地', '户外广告', '牌匾', '拆迁',
      '供暖', '暖气', '燃气', '停水', '停电', '物业', '楼道堆物', '占用',
      'garbage', 'rubbish', 'trash', 'litter*', 'manhole*', 'street light*', 'streetlight*', 'construction site*',
      'billboard*', 'graffiti', 'sidewalk', 'pavement', 'heating', 'gas supply', 'water supply', 'demolition',
    ],
  },
  {
    value: 'environment',
    strong: [
      '污染', '噪音', '噪声', '异味', '臭味', '空气质量', '雾霾', '排污', '污水', '废气', '扬尘', '油烟', '环保', '生态环境',
      '焚烧', '烧垃圾', '偷排', '辐射',
      'pollut*', 'noise', 'noisy', 'smell*', 'stink*', 'stench', 'odor*', 'odour*', 'air quality', 'smog', 'sewage',
      'waste water', 'wastewater', 'emission*', 'fumes', 'environment*',
    ],
    weak: [
      '空气', '粉尘', '灰尘', '水质', '河道', '黑臭', '化工', '排放', '野生动物', '砍树', '太吵', '吵闹', '广场舞',
      'dust', 'dusty', 'chemical*', 'loud music', 'river', 'water quality', 'dumping', 'too loud',
    ],
  },
  {
    value: 'transportation',
    strong: [
      '公交', '地铁', '交通', '道路', '停车', '红绿灯', '信号灯', '出租车', '网约车', '违停', '违章停车', '驾照', '驾驶证', '车牌',
      '摇号', '拥堵', '堵车', '共享单车',
      'bus', 'buses', 'subway', 'metro', 'traffic', 'road*', 'parking', 'parked', 'taxi*', 'ride-hailing', 'didi',
      "driver's licen*", 'driving licen*', 'license plate*', 'licence plate*', 'congestion', 'shared bike*',
      'bike sharing', 'bike-sharing',
    ],
    weak: [
      '打车', '高速', '路况', '站台', '火车', '机场', '坑洼', '限行', '路口', '人行道', '斑马线', '过街天桥', '车辆', '司机',
      'highway*', 'train', 'trains', 'train station*', 'airport*', 'pothole*', 'intersection*', 'crosswalk*',
      'zebra crossing*', 'driver*', 'vehicle*',
    ],
  },
  {
    value: 'education',
    strong: [
      '学校', '教育', '幼儿园', '小学', '中学', '高中', '大学', '入学', '招生', '学区', '择校', '校车', '高考', '中考', '托育',
      'school*', 'education*', 'kindergarten*', 'preschool*', 'university', 'universities', 'college*', 'enrol*',
      'school bus*',
    ],
    weak: [
      '老师', '教师', '学生', '学费', '课外班', '培训班', '补课', '作业', '校外培训', '学籍',
      'teacher*', 'student*', 'tuition', 'exam', 'exams', 'examination*', 'homework', 'tutoring', 'tutor*',
    ],
  },
  {
    value: 'medical',
    strong: [
      '医院', '医保', '看病', '医疗', '挂号', '诊所', '药店', '疫苗', '急诊', '门诊', '住院', '卫生院', '社区卫生', '卫健委',
      'hospital', 'hospitals', 'hospitalised', 'hospitalized', 'medical', 'health insurance', 'clinic*', 'pharmac*',
      'vaccin*', 'emergency room', 'outpatient*',
    ],
    weak: [
      '医生', '大夫', '护士', '药品', '买药', '开药', '药价', '体检', '报销', '接种', '病人', '患者',
      'doctor*', 'nurse', 'nurses', 'nursing', 'medicine*', 'prescription*', 'patient', 'patients', 'check-up', 'checkup',
    ],
  },
];

/** "collapsed" alone is as often a road or a roof: only a person collapsing is a medical emergency. */
const COLLAPSED_PERSON =
  /(?<![\p{L}])(?:he|she|someone|somebody|man|woman|person|father|mother|dad|mom|mum|child|kid|baby|grandma|grandpa|grandmother|grandfather|neighbou?r|husband|wife|son|daughter|friend) (?:has |had |just )?collapsed/u;

export interface EmergencyRule extends TermSet {
  readonly line: EmergencyLine;
}

/**
 * Someone may be in danger now. The tables favour catching an emergency over missing one, but skip the phrases
 * that contain a danger word without being one (`fire hydrant`, `消防通道`, `火灾隐患`, `交通事故认定`), and
 * `classify` skips a match right after a negation (`没有着火`, `not on fire`). When several match, the order of
 * this list decides: fire, violence, medical, traffic (the lines are linked and transfer among themselves; the first
 * one is the one that must move fastest).
 */
export const EMERGENCY_RULES: readonly EmergencyRule[] = [
  {
    line: '119',
    terms: [
      '着火', '失火', '起火', '火灾', '大火', '火警', '冒烟', '浓烟', '烧起来', '火苗', '爆炸', '煤气泄漏', '燃气泄漏', '天然气泄漏',
      'fire', 'on fire', 'caught fire', 'catch fire', 'catching fire', 'smoke', 'flames', 'blaze', 'explosion', 'exploded',
      'gas leak*',
    ],
    exclude: [
      '火灾隐患', '火灾风险', '火警电话', '信息爆炸', '火灾报警', '火灾险', '火灾保险', '火灾演练', '火灾逃生演练', '防火灾', '预防火灾', '烟囱冒烟',
      'fire hydrant*', 'fire lane*', 'fire exit*', 'fire escape*', 'fire door*', 'fire extinguisher*', 'fire alarm*',
      'fire safety', 'fire hazard*', 'fire risk*', 'fire prevention', 'fire station*', 'fire department*', 'fire drill*',
      'fire inspection*', 'fire insurance', 'fire code*', 'fire truck*', 'fire engine access', 'fire service*',
      'fire protection', 'fire regulation*', 'fire him', 'fire her', 'fire them', 'fire the employee*', 'cease fire',
      'smoke detector*', 'smoke alarm*', 'cigarette smoke', 'second-hand smoke', 'secondhand smoke', 'smoke-free',
      'smoke free', 'chimney smoke', 'smoke shop*', 'smoke from the chimney', 'exploded view',
    ],
  },
  {
    line: '110',
    terms: [
      '抢劫', '打劫', '持刀', '拿刀', '砍人', '捅人', '被捅', '打人', '被人打', '被打伤', '被打了', '殴打', '斗殴', '打架', '绑架',
      '劫持', '杀人', '行凶', '持枪', '开枪', '枪击', '强奸', '性侵', '家暴', '家庭暴力', '跳楼', '自杀', '轻生', '入室盗窃',
      '非法拘禁', '拐卖', '人质',
      'robbery', 'robbing', 'robbed', 'mugged', 'mugging', 'stabbing', 'stabbed', 'knife attack', 'gun', 'guns', 'gunman',
      'shooting', 'shots fired', 'kidnap*', 'abduct*', 'hostage*', 'assault*', 'attacked', 'beaten up', 'being beaten',
      'domestic violence', 'rape', 'raped', 'sexual assault', 'burglar*', 'break-in', 'breaking in', 'suicide',
      'kill myself', 'kill himself', 'kill herself', 'threatening to kill', 'threatened to kill',
    ],
    exclude: [
      '打人工', '打架子鼓', '跳楼价', '跳楼大甩卖', '跳楼甩卖',
      'water gun*', 'glue gun*', 'nail gun*', 'toy gun*', 'spray gun*', 'heat gun*', 'staple gun*', 'shooting a film',
      'shooting a video', 'film shooting', 'video shooting', 'photo shooting',
    ],
  },
  {
    line: '120',
    terms: [
      '昏迷', '晕倒', '晕过去', '昏倒', '不省人事', '休克', '心脏病发作', '心脏病犯了', '心脏病突发', '突发心脏病', '心梗', '心肌梗',
      '中风', '脑溢血', '脑出血', '大出血', '流血不止', '血流不止', '没有呼吸', '没呼吸', '呼吸困难', '停止呼吸', '心跳停止', '抽搐',
      '癫痫发作', '溺水', '触电', '煤气中毒', '一氧化碳中毒', '食物中毒', '服毒', '喝农药', '吞药', '割腕', '生命危险', '快不行了',
      'unconscious', 'passed out', 'fainted',
      COLLAPSED_PERSON, 'heart attack', 'stroke', 'not breathing', 'stopped breathing',
      "can't breathe", 'cannot breathe', 'bleeding heavily', 'heavy bleeding', 'bleeding badly', 'severe bleeding',
      'overdose*', 'seizure*', 'convulsion*', 'drowning', 'electrocuted', 'choking', 'poisoned', 'unresponsive',
      'anaphyla*',
    ],
    exclude: ['中风险', 'stroke of luck', 'brush stroke*', 'heat stroke prevention', 'seizure of', 'seizures of'],
  },
  {
    line: '122',
    terms: [
      '车祸', '交通事故', '撞车', '撞人', '被车撞', '撞伤', '追尾', '翻车', '肇事逃逸', '连环撞',
      'car crash*', 'car accident*', 'traffic accident*', 'road accident*', 'hit by a car', 'hit by a bus',
      'hit by a truck', 'run over', 'hit-and-run', 'collision*', 'crashed into', 'pile-up', 'overturned',
    ],
    exclude: [
      '交通事故认定', '交通事故责任', '交通事故理赔', '交通事故赔偿', '交通事故鉴定', '交通事故保险', '车祸险',
      'car accident insurance', 'traffic accident liability', 'accident claim*', 'collision insurance',
    ],
  },
];

/**
 * A negation right before an emergency term cancels it: `没有着火`, `未起火`, `防止发生火灾`, `no fire`,
 * `not on fire`. Kept narrow on purpose (only the words just before): missing an emergency is worse than a
 * needless "call 119" in the reply.
 */
export const NEGATION_BEFORE_ZH = /(?:没有|没|未|无|不是|并非|并未|不会|防止|预防|避免|以防)(?:发生|出现|造成|引起|引发)?$/u;
export const NEGATION_BEFORE_EN =
  /(?<![\p{L}])(?:no|not|never|without|isn't|wasn't|aren't|weren't|don't|doesn't|didn't|prevent|preventing|avoid)(?:\s+[\p{L}']+)?\s+$/u;

export const LEGAL_TERMS: TermSet = {
  terms: [
    '起诉', '诉讼', '法院', '仲裁', '行政复议', '判决', '上诉', '打官司', '强制执行', '申请执行', '再审', '裁定书',
    'lawsuit*', 'sue', 'suing', 'sued', 'court', 'courts', 'arbitration', 'arbitrator*', 'administrative reconsideration',
    'appeal a judg*', 'appeal the judg*', 'appeal against the judg*', 'judgment*', 'judgement*', 'litigation',
    'legal action', 'small claims',
  ],
  exclude: [
    'basketball court*', 'tennis court*', 'food court*', 'badminton court*', 'volleyball court*', 'football court*',
    'squash court*', 'court yard*',
  ],
};

/**
 * Matters the regulations send to other channels rather than the hotline: party discipline and supervision (纪检监察),
 * and requests for government information disclosure (政府信息公开), which have their own statutory procedure.
 */
export const OUT_OF_SCOPE_TERMS: TermSet = {
  terms: [
    '纪检监察', '纪委', '监察委', '纪律检查', '违纪', '信息公开申请', '申请信息公开', '政府信息公开', '依申请公开',
    'party discipline', 'discipline inspection', 'supervisory commission', 'freedom of information', 'foi request',
    'information disclosure request', 'disclosure of government information',
  ],
};

/**
 * A citizen who cannot tick a box (WeChat, e-mail, a spoken request typed up) asks for privacy in words. Only
 * explicit requests count: a complaint *about* a privacy leak (隐私泄露) is not a request to keep it private.
 */
export const PRIVACY_REQUEST_TERMS: TermSet = {
  terms: [
    '请保密', '保密处理', '为我保密', '替我保密', '请勿公开', '不要公开', '不予公开', '不愿公开', '匿名处理',
    'keep this private', 'keep it private', 'keep my request private', 'keep my name private', 'please keep this confidential',
    'do not publish', "don't publish",
  ],
};

/** State secrets: the hotline may not take them in, and the citizen must be told to use the secrecy authorities. */
export const STATE_SECRET_TERMS: TermSet = {
  terms: [
    '国家秘密', '国家机密', '涉密', '绝密', '机密文件', '军事机密', '军事禁区', '保密局', '泄密',
    'state secret*', 'classified document*', 'classified information', 'military secret*', 'top secret',
  ],
};

/** Health details that are personal data in their own right (PIPL "sensitive personal information"). */
export const HEALTH_TERMS: TermSet = {
  terms: [
    '艾滋', '病历', '精神病', '精神疾病', '精神分裂', '抑郁症', '双相', '心理疾病', '性病', '梅毒', '淋病', '乙肝', '丙肝',
    '肺结核', '癌症', '肿瘤', '化疗', '透析', '怀孕', '流产', '堕胎', '不孕', '诊断书', '病情', '吸毒', '戒毒',
    'hiv', '=AIDS', 'medical record*', 'mental illness*', 'psychiatric', 'depression', 'schizophreni*', 'bipolar',
    'std', 'stds', 'sexually transmitted', 'syphilis', 'hepatitis', 'tuberculosis', 'cancer', 'chemotherapy',
    'dialysis', 'pregnan*', 'miscarriage', 'abortion', 'infertil*', 'diagnos*', 'drug addict*', 'rehab',
  ],
};

/** Questions without a keyword: a question mark, or a sentence-final particle in Chinese. */
export const QUESTION_ZH = /[吗呢](?=\s*(?:[。.!！,，;；\n]|$))/u;
export const QUESTION_EN_START =
  /(?:^|[.!\n]\s*)(?:how|what|when|where|why|who|which|can|could|is|are|do|does|may|should|will|would)(?![\p{L}])/u;
