// The Open311 service list is the hotline's category list: one service per category, so a request posted under a
// service code lands in the same work-order queue as a call that chose that category in the IVR menu.

import { CATEGORIES } from '../../../domain/intake/submission.js';
import type { Category } from '../../../domain/intake/submission.js';

export interface Open311Service {
  readonly code: Category;
  /** Chinese first (the hotline's language), then English, as the IVR menu names them. */
  readonly name: string;
  readonly description: string;
  readonly keywords: readonly string[];
  readonly group: string;
}

/** When the list below last changed (GeoReport discovery `changeset`): bump it with every edit. */
export const SERVICES_CHANGESET = '2026-11-22T00:00:00Z';

const SERVICES: Readonly<Record<Category, Omit<Open311Service, 'code'>>> = {
  'urban-management': {
    name: '城市管理 Urban management',
    description:
      '市容环境卫生、占道经营、违法建设、井盖、路灯、公共设施损坏等。 Street cleanliness, street vending, illegal construction, manhole covers, street lights, damaged public facilities.',
    keywords: ['市容', '占道经营', '违建', '井盖', '路灯', '垃圾', 'street', 'illegal construction', 'manhole', 'street light', 'litter'],
    group: '城市管理 City',
  },
  environment: {
    name: '环境保护 Environment',
    description:
      '噪声、空气污染、污水、油烟、扬尘、绿化等。 Noise, air pollution, sewage, cooking fumes, construction dust, green spaces.',
    keywords: ['噪音', '噪声', '污染', '油烟', '扬尘', '污水', '绿化', 'noise', 'pollution', 'dust', 'sewage', 'trees'],
    group: '城市管理 City',
  },
  transportation: {
    name: '交通出行 Transportation',
    description:
      '道路破损、交通信号、公交地铁、停车、共享单车等。 Damaged roads, traffic signals, buses and the metro, parking, shared bicycles.',
    keywords: ['道路', '坑洼', '信号灯', '公交', '地铁', '停车', '共享单车', 'pothole', 'road', 'traffic light', 'bus', 'metro', 'parking', 'bike'],
    group: '交通 Transport',
  },
  education: {
    name: '教育 Education',
    description: '学校、幼儿园、招生入学、校外培训等。 Schools, kindergartens, admissions, after-school tutoring.',
    keywords: ['学校', '幼儿园', '入学', '培训', 'school', 'kindergarten', 'admission', 'tutoring'],
    group: '公共服务 Public services',
  },
  medical: {
    name: '医疗卫生 Medical care',
    description: '医院、社区卫生服务、医保、药品等（急救请拨打120）。 Hospitals, community clinics, medical insurance, medicines (for an ambulance call 120).',
    keywords: ['医院', '医保', '药品', '诊所', 'hospital', 'clinic', 'insurance', 'medicine'],
    group: '公共服务 Public services',
  },
  other: {
    name: '其他问题 Other',
    description: '不属于以上类别的问题、建议和咨询。 Anything not covered by the services above.',
    keywords: ['其他', '建议', '咨询', 'other', 'suggestion', 'question'],
    group: '其他 Other',
  },
};

export const OPEN311_SERVICES: readonly Open311Service[] = CATEGORIES.map((code) => ({ code, ...SERVICES[code] }));

export function findService(code: string): Open311Service | undefined {
  return OPEN311_SERVICES.find((service) => service.code === code);
}

export function serviceName(code: string): string | undefined {
  return findService(code)?.name;
}
