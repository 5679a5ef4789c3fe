import { describe, expect, it } from 'vitest';
import { speakableText } from '../../../src/adapters/prompts/speakable-text.js';

describe('speakableText', () => {
  it('reads hotline and case numbers digit by digit', () => {
    expect(speakableText('欢迎致电12345市民服务热线。', 'zh')).toBe('欢迎致电一二三四五市民服务热线。');
    expect(speakableText('请拨打110', 'zh')).toBe('请拨打一一零');
    expect(speakableText('Welcome to the 12345 hotline.', 'en')).toBe('Welcome to the 1 2 3 4 5 hotline.');
  });

  it('leaves short numbers as quantities and menu digits alone', () => {
    expect(speakableText('工单编号为6到20位数字，报警求助请按1', 'zh')).toBe('工单编号为6到20位数字，报警求助请按1');
    expect(speakableText('a case number has 6 to 20 digits', 'en')).toBe('a case number has 6 to 20 digits');
  });
});
