import { describe, expect, it } from 'vitest';
import { maskEmail } from '../../../src/domain/email/mask-address.js';

describe('maskEmail', () => {
  it.each([
    ['zhang.san@qq.com', 'z***@qq.com'],
    ['张三@例子.中国', '张***@例子.中国'],
    ['@x.cn', '***@x.cn'],
    ['no-at-sign', '***'],
    ['', ''],
    [undefined, ''],
    [null, ''],
  ])('%j → %j', (address, masked) => {
    expect(maskEmail(address)).toBe(masked);
  });
});
