import type { SandboxMessage, SandboxThread } from './store.js';

function msg(
  id: number,
  thread: string,
  user: string,
  agent: boolean,
  at: string,
  body: string,
  lang: string,
  extra: Partial<SandboxMessage> = {},
): SandboxMessage {
  return {
    _id: `65a000000000000000000${String(id).padStart(3, '0')}`,
    body,
    thread_fid: thread,
    user_fid: user,
    lang,
    is_customer_support_agent: agent,
    created_at: at,
    updated_at: at,
    ...extra,
  };
}

const AI = { role: 'assistant' } as const;

/** A few realistic conversations, in English and Spanish. */
export function seedThreads(): SandboxThread[] {
  const t = (
    thread_fid: string,
    subject: string,
    user_fid: string,
    lang: string,
    messages: SandboxMessage[],
  ): SandboxThread => ({
    thread_fid,
    subject,
    user_fid,
    lang,
    created_at: messages[0]!.created_at,
    updated_at: messages[messages.length - 1]!.created_at,
    messages,
  });
  return [
    t('order-1042', 'Where is my parcel?', 'cust-anna', 'en', [
      msg(
        1,
        'order-1042',
        'cust-anna',
        false,
        '2024-05-02T09:14:03.000Z',
        'Hi, my order #1042 has not arrived yet. Where is my parcel?',
        'en',
      ),
      msg(
        2,
        'order-1042',
        'gurusup-ai',
        true,
        '2024-05-02T09:14:05.000Z',
        'Orders ship within 24 hours and arrive in 2–4 business days. You will find the tracking link in your confirmation email.',
        'en',
        AI,
      ),
      msg(3, 'order-1042', 'cust-anna', false, '2024-05-02T09:20:41.000Z', 'Found it, thanks!', 'en'),
      msg(
        4,
        'order-1042',
        'gurusup-ai',
        true,
        '2024-05-02T09:20:42.000Z',
        "You're welcome! Is there anything else I can help you with?",
        'en',
        AI,
      ),
    ]),
    t('refund-778', 'Refund for a damaged mug', 'cust-bram', 'en', [
      msg(
        5,
        'refund-778',
        'cust-bram',
        false,
        '2024-05-03T14:02:10.000Z',
        'The mug arrived broken. Can I get a refund?',
        'en',
      ),
      msg(
        6,
        'refund-778',
        'gurusup-ai',
        true,
        '2024-05-03T14:02:12.000Z',
        'I can help with that refund. Refunds go back to the original payment method within 5–7 business days once the return is received.',
        'en',
        AI,
      ),
      msg(
        7,
        'refund-778',
        'agent-lucia',
        true,
        '2024-05-03T15:30:00.000Z',
        'Hi Bram, no need to send it back: I have issued the refund today.',
        'en',
      ),
    ]),
    t('pedido-3310', 'Factura de abril', 'cust-carmen', 'es', [
      msg(
        8,
        'pedido-3310',
        'cust-carmen',
        false,
        '2024-05-04T08:45:00.000Z',
        'Hola, necesito la factura de mi pedido de abril.',
        'es',
      ),
      msg(
        9,
        'pedido-3310',
        'gurusup-ai',
        true,
        '2024-05-04T08:45:02.000Z',
        'Puedes descargar todas tus facturas en Ajustes → Facturación. Si un cargo no te cuadra, responde con su fecha e importe y lo revisamos.',
        'es',
        AI,
      ),
    ]),
    t('cuenta-5521', 'No puedo entrar en mi cuenta', 'cust-diego', 'es', [
      msg(
        10,
        'cuenta-5521',
        'cust-diego',
        false,
        '2024-05-05T19:03:30.000Z',
        'He olvidado mi contraseña y no puedo acceder a la cuenta.',
        'es',
      ),
      msg(
        11,
        'cuenta-5521',
        'gurusup-ai',
        true,
        '2024-05-05T19:03:31.000Z',
        'Para restablecer tu contraseña, usa "¿Olvidaste tu contraseña?" en la página de acceso; el enlace del correo vale 30 minutos.',
        'es',
        AI,
      ),
    ]),
    t('chat-9001', 'Opening hours', 'cust-emma', 'en', [
      msg(12, 'chat-9001', 'cust-emma', false, '2024-05-06T11:00:00.000Z', 'Are you open on Sundays?', 'en'),
      msg(
        13,
        'chat-9001',
        'gurusup-ai',
        true,
        '2024-05-06T11:00:01.000Z',
        'Thanks for your message. A member of our team will get back to you shortly.',
        'en',
        AI,
      ),
    ]),
  ];
}
