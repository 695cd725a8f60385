import * as FlexPlugin from '@twilio/flex-plugin';

import ConferenceExamplePlugin from './ConferenceExamplePlugin';

FlexPlugin.loadPlugin(ConferenceExamplePlugin);
