// STUB until branch `integ` lands: the framework's file imports every connector's config.
import './asana/config';
