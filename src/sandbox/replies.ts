/**
 * The sandbox's "AI": deterministic keyword rules, English and Spanish, so an eval suite can pass
 * and fail on purpose (docs/eval.md, "The sandbox's answers", lists them for users).
 *
 * - The reply depends only on the message body and the language: the same message always gets
 *   the same reply, whatever came before in the thread.
 * - The rules are tried in the order below and the first whose words appear in the body (whole
 *   words, any case) wins: refund → shipping → password → invoice → thanks → greeting; none → the
 *   fallback. "Where is my parcel? Can I get a refund?" is therefore a refund reply.
 * - The language is the message's `lang`, else the thread's; `es…` answers in Spanish, anything
 *   else in English.
 * - A message from an agent (`is_customer_support_agent: true`) gets no reply: the POST answers
 *   with the stored message itself (server.ts).
 *
 * Changing a reply text breaks suites that users wrote against the sandbox (examples/ and the
 * `eval init` starter included): keep these stable.
 */

interface Rule {
  words: RegExp;
  en: string;
  es: string;
}

const RULES: Rule[] = [
  {
    words: /\b(refund|money back|return|reembolso|devoluci[oó]n|devolver)\b/i,
    en: 'I can help with that refund. Refunds go back to the original payment method within 5–7 business days once the return is received.',
    es: 'Puedo ayudarte con el reembolso. Se devuelve al método de pago original en 5–7 días hábiles desde que recibimos la devolución.',
  },
  {
    words:
      /\b(parcel|package|shipping|shipment|delivery|deliver|tracking|order|env[ií]o|pedido|paquete|entrega|seguimiento)\b/i,
    en: 'Orders ship within 24 hours and arrive in 2–4 business days. You will find the tracking link in your confirmation email.',
    es: 'Los pedidos salen en 24 horas y llegan en 2–4 días hábiles. El enlace de seguimiento está en tu correo de confirmación.',
  },
  {
    words: /\b(password|log ?in|sign ?in|account|contrase[nñ]a|cuenta|acceso)\b/i,
    en: 'To reset your password, use "Forgot password" on the sign-in page; the link in the email is valid for 30 minutes.',
    es: 'Para restablecer tu contraseña, usa "¿Olvidaste tu contraseña?" en la página de acceso; el enlace del correo vale 30 minutos.',
  },
  {
    words: /\b(invoice|bill|billing|payment|charge|charged|factura|pago|cobro|cargo)\b/i,
    en: 'You can download every invoice from Settings → Billing. If a charge looks wrong, reply with its date and amount and we will check it.',
    es: 'Puedes descargar todas tus facturas en Ajustes → Facturación. Si un cargo no te cuadra, responde con su fecha e importe y lo revisamos.',
  },
  {
    words: /\b(thanks|thank you|gracias)\b/i,
    en: "You're welcome! Is there anything else I can help you with?",
    es: '¡De nada! ¿Hay algo más en lo que pueda ayudarte?',
  },
  {
    words: /\b(hello|hi|hey|hola|buenas|buenos d[ií]as)\b/i,
    en: 'Hello! How can I help you today?',
    es: '¡Hola! ¿En qué puedo ayudarte hoy?',
  },
];

const FALLBACK = {
  en: 'Thanks for your message. A member of our team will get back to you shortly.',
  es: 'Gracias por tu mensaje. Una persona de nuestro equipo te responderá en breve.',
};

export function replyLang(lang: string | undefined): 'en' | 'es' {
  return lang?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

export function replyFor(body: string, lang: string | undefined): string {
  const l = replyLang(lang);
  for (const r of RULES) if (r.words.test(body)) return r[l];
  return FALLBACK[l];
}
