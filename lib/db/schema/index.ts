export * from './helpers';
export * from './auth';
export * from './tenancy';
