import '@testing-library/jest-dom';

// Component tests drive MUI dialogs with user-event; on the shared 2-core machine they can exceed 5 s.
jest.setTimeout(30_000);
