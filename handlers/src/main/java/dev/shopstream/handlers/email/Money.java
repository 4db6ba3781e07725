package dev.shopstream.handlers.email;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/** Formats an amount in its currency for a locale: "€89.40", "£8.00", "¥1,200". */
final class Money {
  private Money() {}

  static String format(BigDecimal amount, String currencyCode, Locale locale) {
    Currency currency;
    try {
      currency = Currency.getInstance(currencyCode);
    } catch (IllegalArgumentException unknownCode) {
      return amount.setScale(2, RoundingMode.HALF_EVEN).toPlainString() + " " + currencyCode;
    }
    NumberFormat format = NumberFormat.getCurrencyInstance(locale);
    format.setCurrency(currency);
    int digits = Math.max(currency.getDefaultFractionDigits(), 0);
    format.setMinimumFractionDigits(digits);
    format.setMaximumFractionDigits(digits);
    format.setRoundingMode(RoundingMode.HALF_EVEN);
    return format.format(amount);
  }
}
