// The snowflakes the store tests use: any ids do, the store keeps them as opaque strings.
export const GUILD = '111111111111111111';
export const USER = '222222222222222222';
export const OTHER_GUILD = '333333333333333333';
