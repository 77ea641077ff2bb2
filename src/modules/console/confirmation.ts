// Every destructive console action carries a ticked confirmation and a reason; both are checked before
// anything is written.
import { invalidFields } from '../../errors.ts';
import { cleanText } from '../../shared/validate.ts';

/** The reason, once the confirmation box is ticked and a reason of 3 to 500 characters given; 400 otherwise. */
export function requireConfirmedReason(form: Record<string, string | undefined>): string {
  const errors: Record<string, string> = {};
  const reason = cleanText(form.reason, 500);
  if (!reason || reason.length < 3) errors.reason = 'Give a reason of 3 to 500 characters (it is kept in the audit log)';
  if (form.confirm !== 'yes') errors.confirm = 'Tick the box to confirm';
  if (Object.keys(errors).length || !reason) throw invalidFields(errors);
  return reason;
}
