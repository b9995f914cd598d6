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

const M = 60;
const H = 60 * M;
const D = 24 * H;

/**
 * A few realistic conversations, in English and Spanish, dated back from `now` (the sandbox's
 * start): from minutes to a few days old, and one older than 30 days, so relative times and
 * `--since 1d` show something on the first run.
 */
export function seedThreads(now: Date = new Date()): SandboxThread[] {
  const start = Math.floor(now.getTime() / 1000) * 1000;
  const ago = (seconds: number): string => new Date(start - seconds * 1000).toISOString();
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
        ago(2 * H + 20 * M),
        'Hi, my order #1042 has not arrived yet. Where is my parcel?',
        'en',
      ),
      msg(
        2,
        'order-1042',
        'gurusup-ai',
        true,
        ago(2 * H + 20 * M - 2),
        'Orders ship within 24 hours and arrive in 2–4 business days. You will find the tracking link in your confirmation email.',
        'en',
        AI,
      ),
      msg(3, 'order-1042', 'cust-anna', false, ago(6 * M), 'Found it, thanks!', 'en'),
      msg(
        4,
        'order-1042',
        'gurusup-ai',
        true,
        ago(6 * M - 1),
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
        ago(23 * H + 28 * M),
        'The mug arrived broken. Can I get a refund?',
        'en',
      ),
      msg(
        6,
        'refund-778',
        'gurusup-ai',
        true,
        ago(23 * H + 28 * M - 2),
        'I can help with that refund. Refunds go back to the original payment method within 5–7 business days once the return is received.',
        'en',
        AI,
      ),
      msg(
        7,
        'refund-778',
        'agent-lucia',
        true,
        ago(22 * H),
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
        ago(3 * D + 4 * H),
        'Hola, necesito la factura de mi pedido de abril.',
        'es',
      ),
      msg(
        9,
        'pedido-3310',
        'gurusup-ai',
        true,
        ago(3 * D + 4 * H - 2),
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
        ago(5 * D + 7 * H),
        'He olvidado mi contraseña y no puedo acceder a la cuenta.',
        'es',
      ),
      msg(
        11,
        'cuenta-5521',
        'gurusup-ai',
        true,
        ago(5 * D + 7 * H - 1),
        'Para restablecer tu contraseña, usa "¿Olvidaste tu contraseña?" en la página de acceso; el enlace del correo vale 30 minutos.',
        'es',
        AI,
      ),
    ]),
    t('chat-9001', 'Opening hours', 'cust-emma', 'en', [
      msg(12, 'chat-9001', 'cust-emma', false, ago(45 * D), 'Are you open on Sundays?', 'en'),
      msg(
        13,
        'chat-9001',
        'gurusup-ai',
        true,
        ago(45 * D - 1),
        'Thanks for your message. A member of our team will get back to you shortly.',
        'en',
        AI,
      ),
    ]),
  ];
}
