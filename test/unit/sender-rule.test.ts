import { describe, expect, it } from 'vitest';
import { senderOf as messageSender, threadCustomer } from '../../src/model/sender.js';

describe('who sent a message (the contract rule)', () => {
  it('an explicit role field wins over every other field', () => {
    expect(messageSender({ role: 'assistant', user_fid: 'cust-1' }, 'cust-1')).toBe('system');
    expect(messageSender({ sender: 'agent', is_customer_support_agent: false }, 'cust-1')).toBe('agent');
    expect(messageSender({ sender_type: 'customer', is_customer_support_agent: true }, 'x')).toBe('customer');
    expect(messageSender({ author_type: 'bot' }, undefined)).toBe('system');
  });

  it('a role word it does not know falls through to the flag and the user_fid', () => {
    expect(messageSender({ role: 'wizard', user_fid: 'cust-1' }, 'cust-1')).toBe('customer');
  });

  it('is_customer_support_agent: true is an agent, whoever the user_fid is', () => {
    expect(messageSender({ is_customer_support_agent: true, user_fid: 'cust-1' }, 'cust-1')).toBe('agent');
  });

  it("the thread's user_fid is the customer; any other user_fid is the system (the AI's reply)", () => {
    expect(messageSender({ user_fid: 'cust-1', is_customer_support_agent: false }, 'cust-1')).toBe('customer');
    // The old senderOf called this one the customer: the flag is false, but it is not the customer's message.
    expect(messageSender({ user_fid: 'gurusup-ai', is_customer_support_agent: false }, 'cust-1')).toBe('system');
    expect(messageSender({ user_fid: 'someone' }, 'cust-1')).toBe('system');
  });

  it('no user_fid and no flag: unlabelled', () => {
    expect(messageSender({ body: 'hi' }, 'cust-1')).toBe('');
    expect(messageSender({ body: 'hi', user_fid: '' }, 'cust-1')).toBe('');
  });

  it("the customer is the thread's user_fid, else the first message's", () => {
    expect(threadCustomer({ user_fid: 't', messages: [{ user_fid: 'm' }] })).toBe('t');
    expect(threadCustomer({ messages: [{ user_fid: 'm' }, { user_fid: 'n' }] })).toBe('m');
    expect(threadCustomer({ messages: [] })).toBeUndefined();
    expect(threadCustomer({ messages: ['not an object'] })).toBeUndefined();
  });
});
