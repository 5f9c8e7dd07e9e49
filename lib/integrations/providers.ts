import './slack/config';
