import { describe, expect, it } from 'vitest';
import { senderOf, threadCustomer } from '../../src/model/sender.js';
import { caseFromThread } from '../../src/eval/init.js';

// Contract, "Who sent a message": role field, else the agent flag, else the user_fid against the
// thread's customer, else unlabelled.
describe('senderOf', () => {
  it('an explicit role field wins over every other field', () => {
    expect(senderOf({ role: 'assistant', is_customer_support_agent: true, user_fid: 'c' }, 'c')).toBe('system');
    expect(senderOf({ sender: 'agent', user_fid: 'c' }, 'c')).toBe('agent');
    expect(senderOf({ sender_type: 'customer', is_customer_support_agent: true }, 'x')).toBe('customer');
    expect(senderOf({ author_type: 'AI' }, 'c')).toBe('system');
  });

  it('a role that names nothing known falls through to the other fields', () => {
    expect(senderOf({ role: 'email', user_fid: 'c' }, 'c')).toBe('customer');
    expect(senderOf({ role: 'maintainer' })).toBe('');
  });

  it('is_customer_support_agent: true is an agent, whatever its user_fid', () => {
    expect(senderOf({ is_customer_support_agent: true, user_fid: 'c' }, 'c')).toBe('agent');
  });

  it("the thread's customer by user_fid; any other user_fid is the AI", () => {
    expect(senderOf({ user_fid: 'cust-1', is_customer_support_agent: false }, 'cust-1')).toBe('customer');
    expect(senderOf({ user_fid: 'gurusup-ai', is_customer_support_agent: false }, 'cust-1')).toBe('system');
    expect(senderOf({ user_fid: 'gurusup-ai' }, 'cust-1')).toBe('system');
  });

  it('no user_fid and no flag: unlabelled; without a thread, only the flag speaks', () => {
    expect(senderOf({ body: 'x' }, 'cust-1')).toBe('');
    expect(senderOf({ user_fid: 'u' })).toBe('');
    expect(senderOf({ user_fid: 'u', is_customer_support_agent: false })).toBe('customer');
  });

  it("the thread's customer is its user_fid, else the first message's", () => {
    expect(threadCustomer({ user_fid: 'a', messages: [{ user_fid: 'b' }] })).toBe('a');
    expect(threadCustomer({ messages: [{ user_fid: 'b' }, { user_fid: 'c' }] })).toBe('b');
    expect(threadCustomer({ messages: [] })).toBeUndefined();
  });
});

describe('eval init --from-thread uses the rule', () => {
  it('replies marked only by user_fid are references, not turns', () => {
    const thread = {
      thread_fid: 't-1',
      messages: [
        { body: 'Where is my parcel?', user_fid: 'cust-1', is_customer_support_agent: false },
        { body: 'It ships today.', user_fid: 'gurusup-ai', is_customer_support_agent: false },
        { body: 'Thanks!', user_fid: 'cust-1', is_customer_support_agent: false },
        { body: 'You are welcome.', user_fid: 'gurusup-ai', is_customer_support_agent: false },
      ],
    };
    const c = caseFromThread('t-1', thread)!;
    expect(c.turns.map((t) => [t.send, t.reference])).toEqual([
      ['Where is my parcel?', 'It ships today.'],
      ['Thanks!', 'You are welcome.'],
    ]);
  });
});
