// What `listgate login` asks for when --scope is not given (every name is declared in src/api-auth/scopes.ts).
export const USER_SCOPE = 'contact_data account_read offline_access';
export const APP_SCOPE = 'contact_data account_read';
