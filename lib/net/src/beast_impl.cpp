// Beast's separately compiled implementation, built once for the whole project.
#include <boost/beast/src.hpp>
