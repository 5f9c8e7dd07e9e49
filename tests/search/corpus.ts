// Small, distinct documents for search and assistant tests: each answers a question the others do not.
export const CONTRACT = {
  title: 'Master services agreement — Northwind',
  chunks: [
    'This Master Services Agreement is entered into between Acme Corp and Northwind Traders on 2024-03-01.',
    'Either party may terminate this agreement with a written termination notice of ninety (90) days.',
    'All invoices are payable within thirty days. Late payments accrue interest of 1.5% per month.',
  ],
};

export const MEETING = {
  title: 'Weekly product sync',
  chunks: [
    'Attendees: Dana, Lee and Priya. We discussed the launch checklist for the mobile app.',
    'Decision: the beta launch moves to the second week of June because the payment screen needs another review.',
    'Action item: Lee will draft the release notes by Friday.',
  ],
};

export const POLICY = {
  title: 'Travel and expenses policy',
  chunks: [
    'Employees must book flights through the company travel portal at least fourteen days in advance.',
    'Hotel costs are reimbursed up to 180 euros per night in capital cities.',
    'Expense reports must be submitted within thirty days with the original receipts attached.',
  ],
};

// Another organization's document that shares the question words: it must never surface for the first tenant.
export const FOREIGN = {
  title: 'Globex supplier contract',
  chunks: [
    'The Globex supplier contract requires a termination notice of thirty days, delivered by registered mail.',
    'Hotel costs for Globex auditors are reimbursed up to 400 dollars per night.',
  ],
};
