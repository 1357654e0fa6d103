#include "disburse/web/messages.hpp"

#include <array>
#include <vector>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/calendar.hpp"
#include "disburse/domain/text.hpp"

namespace disburse::web {

namespace {

struct Entry {
  const char* key;
  const char* english;
  const char* spanish;
};

// Plain words, short sentences: many customers read these on a phone, some in a second language.
const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = {
      {"site_title", "Refund status", "Estado del reembolso"},
      {"skip_to_content", "Skip to the main content", "Ir al contenido principal"},
      {"lookup_heading", "Check the status of your refund", "Consulte el estado de su reembolso"},
      {"about_heading", "About this site", "Acerca de este sitio"},
      {"about_text",
       "This is the official status site for refunds paid from a court-ordered settlement fund. "
       "Eligible customers were identified from the company's records, so there is nothing to "
       "apply for. Enter the claim number and ZIP code from the notice we sent you.",
       "Este es el sitio oficial para consultar reembolsos pagados de un fondo de compensación "
       "ordenado por un tribunal. Los clientes elegibles se identificaron con los registros de la "
       "empresa, así que no hay que solicitar nada. Escriba el número de reclamo y el código "
       "postal del aviso que le enviamos."},
      {"about_program",
       "{program} is a refund program paid from a court-ordered settlement fund. Eligibility came "
       "from the company's records: there is nothing to apply for and nothing to pay.",
       "{program} es un programa de reembolsos pagados de un fondo de compensación ordenado por un "
       "tribunal. La elegibilidad se basó en los registros de la empresa: no hay que solicitar ni "
       "pagar nada."},
      {"programs_heading", "Refund programs on this site", "Programas de reembolso en este sitio"},
      {"safety_heading", "Protect yourself from scams", "Protéjase de las estafas"},
      {"safety_text",
       "We will never ask for your bank password, your PayPal password, your Social Security "
       "number or any fee. Getting your refund is always free. If anyone asks you to pay to get "
       "it, it is a scam.",
       "Nunca le pediremos la contraseña de su banco, la contraseña de PayPal, su número de "
       "Seguro Social ni ningún pago. Recibir su reembolso siempre es gratis. Si alguien le pide "
       "dinero para recibirlo, es una estafa."},
      {"claim_label", "Claim number", "Número de reclamo"},
      {"claim_hint", "Printed on your notice, for example K7QM-3XHD-9PB.",
       "Está impreso en su aviso, por ejemplo K7QM-3XHD-9PB."},
      {"zip_label", "ZIP code", "Código postal (ZIP)"},
      {"zip_hint", "The 5-digit ZIP code of the address on your notice.",
       "El código postal de 5 dígitos de la dirección de su aviso."},
      {"lookup_button", "Check status", "Consultar estado"},
      {"not_found",
       "We could not find a claim with that claim number and ZIP code. Check both against your "
       "notice and try again.",
       "No encontramos un reclamo con ese número y ese código postal. Compare ambos con su aviso e "
       "inténtelo de nuevo."},
      {"program_purged",
       "This refund program is closed and its personal data has been erased, as the settlement "
       "requires. No further payments will be made.",
       "Este programa de reembolsos está cerrado y sus datos personales se han borrado, como exige "
       "el acuerdo. No se harán más pagos."},
      {"program_closed",
       "This refund program is closed. No further payments will be made, and no changes can be "
       "requested.",
       "Este programa de reembolsos está cerrado. No se harán más pagos ni se pueden solicitar "
       "cambios."},
      {"invalid_zip", "A ZIP code has 5 digits, like 94105.",
       "Un código postal tiene 5 dígitos, como 94105."},
      {"rate_limited", "Too many attempts. Please wait {minutes} minutes and try again.",
       "Demasiados intentos. Espere {minutes} minutos e inténtelo de nuevo."},
      {"status_heading", "Your refund", "Su reembolso"},
      {"program_label", "Program", "Programa"},
      {"claim_state_label", "Claim status", "Estado del reclamo"},
      {"claim_state_pending_review", "Under review", "En revisión"},
      {"claim_state_approved", "Approved", "Aprobado"},
      {"claim_state_denied", "Not eligible", "No elegible"},
      {"claim_state_deficient", "More information needed", "Se necesita más información"},
      {"payment_heading", "Your payment", "Su pago"},
      {"mailing_address_label", "Mailing address on file", "Dirección postal registrada"},
      {"no_payment_yet", "No payment has been sent yet.", "Todavía no se ha enviado ningún pago."},
      {"amount_label", "Amount", "Cantidad"},
      {"method_label", "Payment method", "Forma de pago"},
      {"method_paypal", "PayPal", "PayPal"},
      {"method_check", "Paper check", "Cheque de papel"},
      {"method_ach", "Bank deposit", "Depósito bancario"},
      {"payment_state_label", "Payment status", "Estado del pago"},
      {"payment_state_allocated", "Being prepared", "En preparación"},
      {"payment_state_batched", "Being prepared", "En preparación"},
      {"payment_state_submitted", "Sent", "Enviado"},
      {"payment_state_unclaimed", "Sent, not accepted yet", "Enviado, todavía no aceptado"},
      {"payment_state_paid", "Paid", "Pagado"},
      {"payment_state_expired", "Expired", "Vencido"},
      {"payment_state_returned", "Returned", "Devuelto"},
      {"payment_state_failed", "Could not be delivered", "No se pudo entregar"},
      {"payment_state_voided", "Cancelled", "Cancelado"},
      {"payment_state_reissued", "Being sent again", "Se enviará de nuevo"},
      {"payment_state_pooled", "Not sent again", "No se enviará de nuevo"},
      {"sent_label", "Date sent", "Fecha de envío"},
      {"expires_label", "Expires", "Vence"},
      {"paid_label", "Date paid", "Fecha de pago"},
      {"reissue_label", "Reissue", "Reemisión"},
      {"reissue_attempt", "This payment was sent again (attempt {attempt}).",
       "Este pago se envió de nuevo (intento {attempt})."},
      {"reissue_none", "None", "Ninguna"},
      {"reissue_requested", "You asked for {kind} on {date}. The claims administrator will act on it.",
       "Usted pidió {kind} el {date}. El administrador de reclamos se encargará."},
      {"kind_switch_to_check", "a paper check instead of PayPal", "un cheque de papel en lugar de PayPal"},
      {"kind_mailing_address", "a new mailing address", "una nueva dirección postal"},
      {"kind_paypal_email", "a new PayPal email address", "un nuevo correo electrónico de PayPal"},
      {"next_heading", "What to do next", "Qué hacer ahora"},
      {"next_wait_for_review", "We are reviewing your claim. You do not need to do anything now.",
       "Estamos revisando su reclamo. No tiene que hacer nada por ahora."},
      {"next_respond_by_deadline",
       "We need more information about your claim. Please answer the letter we sent you by {date}.",
       "Necesitamos más información sobre su reclamo. Responda a la carta que le enviamos antes "
       "del {date}."},
      {"next_not_eligible", "Your claim is not eligible for a payment.",
       "Su reclamo no es elegible para un pago."},
      {"next_wait_for_payment",
       "Your payment is being prepared. You do not need to do anything now.",
       "Su pago se está preparando. No tiene que hacer nada por ahora."},
      {"next_accept_paypal_by",
       "Accept your PayPal payment by {date}. PayPal emailed you; sign in to PayPal yourself, "
       "not through a link in an unexpected message.",
       "Acepte su pago de PayPal antes del {date}. PayPal le envió un correo; entre a PayPal "
       "usted mismo, no con un enlace de un mensaje inesperado."},
      {"next_cash_check_by", "Cash or deposit your check by {date}. After that date it is void.",
       "Cobre o deposite su cheque antes del {date}. Después de esa fecha no es válido."},
      {"next_wait_for_bank_deposit",
       "The money was sent to your bank account. It usually arrives within a few business days.",
       "El dinero se envió a su cuenta bancaria. Suele llegar en pocos días hábiles."},
      {"next_nothing_to_do", "Your payment was delivered. You do not need to do anything.",
       "Su pago fue entregado. No tiene que hacer nada."},
      {"next_request_reissue",
       "Your payment was not completed. You can ask for a paper check or correct your details "
       "below.",
       "Su pago no se completó. Puede pedir un cheque de papel o corregir sus datos abajo."},
      {"next_wait_for_reissue",
       "We received your request. Your payment will be sent again; you do not need to do "
       "anything now.",
       "Recibimos su solicitud. Su pago se enviará de nuevo; no tiene que hacer nada por ahora."},
      {"change_heading", "Change how you are paid", "Cambiar la forma de pago"},
      {"change_intro",
       "To protect your refund, confirm your last name as it appears on your notice. We never "
       "ask for bank or PayPal passwords.",
       "Para proteger su reembolso, confirme su apellido como aparece en su aviso. Nunca pedimos "
       "contraseñas de banco ni de PayPal."},
      {"last_name_label", "Last name", "Apellido"},
      {"change_kind_legend", "What do you want to change?", "¿Qué quiere cambiar?"},
      {"change_check_option", "Send me a paper check instead of PayPal",
       "Envíenme un cheque de papel en lugar de PayPal"},
      {"change_address_option", "Correct my mailing address", "Corregir mi dirección postal"},
      {"change_email_option", "Correct my PayPal email address",
       "Corregir mi correo electrónico de PayPal"},
      {"new_address_legend", "New mailing address (for a new address or a check)",
       "Nueva dirección postal (para una nueva dirección o un cheque)"},
      {"address1_label", "Street address", "Dirección"},
      {"address2_label", "Apartment or suite (optional)", "Apartamento o suite (opcional)"},
      {"city_label", "City", "Ciudad"},
      {"state_label", "State (2 letters)", "Estado (2 letras)"},
      {"new_zip_label", "ZIP code", "Código postal"},
      {"email_label", "New PayPal email address", "Nuevo correo electrónico de PayPal"},
      {"change_button", "Send request", "Enviar solicitud"},
      {"change_recorded",
       "Your request was recorded. The claims administrator will act on it before your payment "
       "is sent again.",
       "Su solicitud quedó registrada. El administrador de reclamos la atenderá antes de enviar "
       "su pago de nuevo."},
      {"change_not_allowed",
       "Your payment is already on its way, so it cannot be changed now. If it expires, you can "
       "ask for a check here.",
       "Su pago ya está en camino, así que no se puede cambiar ahora. Si vence, puede pedir un "
       "cheque aquí."},
      {"not_verified",
       "We could not verify those details. Check your claim number, ZIP code and last name "
       "against your notice.",
       "No pudimos verificar esos datos. Compare su número de reclamo, código postal y apellido "
       "con su aviso."},
      {"session_expired", "Your session expired. Please start again.",
       "Su sesión venció. Empiece de nuevo."},
      {"back_link", "Look up another claim", "Consultar otro reclamo"},
      {"error_heading", "We could not complete your request",
       "No pudimos completar su solicitud"},
      {"error_text", "Please try again in a few minutes.", "Inténtelo de nuevo en unos minutos."},
      {"not_found_page", "This page does not exist.", "Esta página no existe."},
      {"language_label", "Language", "Idioma"},
      {"footer_text", "Official refund status site. Getting your refund is always free.",
       "Sitio oficial del estado de reembolsos. Recibir su reembolso siempre es gratis."},
  };
  return table;
}

nlohmann::json build_catalog(Language language) {
  nlohmann::json catalog = nlohmann::json::object();
  for (const Entry& entry : entries()) {
    catalog[entry.key] = language == Language::spanish ? entry.spanish : entry.english;
  }
  return catalog;
}

constexpr std::array<const char*, 12> english_months = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 12> spanish_months = {
    "enero", "febrero", "marzo",      "abril",   "mayo",      "junio",
    "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};

// The q-value of one Accept-Language entry ("es-MX;q=0.8"), 1 when absent.
double quality_of(std::string_view entry) {
  const std::size_t at = entry.find(";q=");
  if (at == std::string_view::npos) return 1.0;
  try {
    return std::stod(std::string(entry.substr(at + 3)));
  } catch (const std::exception&) {
    return 0.0;
  }
}

std::optional<Language> language_of_tag(std::string_view entry) {
  const std::string tag = domain::to_ascii_lower(
      domain::trim_ascii_whitespace(entry.substr(0, entry.find_first_of(";-"))));
  return parse_language_code(tag);
}

}  // namespace

std::string_view language_code(Language language) {
  return language == Language::spanish ? "es" : "en";
}

std::optional<Language> parse_language_code(std::string_view code) {
  if (code == "en") return Language::english;
  if (code == "es") return Language::spanish;
  return std::nullopt;
}

Language choose_language(std::optional<std::string_view> explicit_choice,
                         std::optional<std::string_view> cookie_choice,
                         std::string_view accept_language) {
  for (const auto& choice : {explicit_choice, cookie_choice}) {
    if (!choice) continue;
    if (const auto language = parse_language_code(*choice)) return *language;
  }
  std::optional<Language> best;
  double best_quality = 0.0;
  std::size_t start = 0;
  while (start <= accept_language.size()) {
    const std::size_t comma = std::min(accept_language.find(',', start), accept_language.size());
    const std::string_view entry = accept_language.substr(start, comma - start);
    const auto language = language_of_tag(entry);
    const double quality = quality_of(entry);
    if (language && quality > best_quality) {
      best = language;
      best_quality = quality;
    }
    start = comma + 1;
  }
  return best.value_or(Language::english);
}

const nlohmann::json& message_catalog(Language language) {
  static const nlohmann::json english = build_catalog(Language::english);
  static const nlohmann::json spanish = build_catalog(Language::spanish);
  return language == Language::spanish ? spanish : english;
}

const std::string& message(Language language, std::string_view key) {
  const nlohmann::json& catalog = message_catalog(language);
  const auto found = catalog.find(std::string(key));
  DISBURSE_ASSERT(found != catalog.end());
  return found->get_ref<const std::string&>();
}

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + name + "}";
    for (std::size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

std::string format_date(Language language, std::int64_t epoch_seconds) {
  const domain::CivilDate date = domain::civil_date_utc(epoch_seconds);
  const auto month_index = static_cast<std::size_t>(date.month - 1);
  if (language == Language::spanish) {
    return std::to_string(date.day) + " de " + spanish_months[month_index] + " de " +
           std::to_string(date.year);
  }
  return std::string(english_months[month_index]) + " " + std::to_string(date.day) + ", " +
         std::to_string(date.year);
}

}  // namespace disburse::web
